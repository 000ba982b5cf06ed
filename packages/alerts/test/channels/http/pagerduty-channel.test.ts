import { isSecbotError } from '@secbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerDutyChannel } from '../../../src/channels/http/pagerduty-channel.js';
import { AlertDeliveryError } from '../../../src/index.js';
import { alert, at, context, notification } from './fixtures.js';
import { answer, type Receiver, startReceiver } from './receiver.js';

const routingKey = 'abcdef0123456789abcdef0123456789';

describe('pagerDutyChannel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('triggers one event per alert at /v2/enqueue, deduped by fingerprint, without samples', async () => {
    receiver.respond = answer(202, '{"status":"success","dedup_key":"x"}');
    receiver.requests.length = 0;
    const channel = pagerDutyChannel({
      routingKey,
      baseUrl: `${receiver.url}/`,
      source: 'bot-1',
      component: 'chat',
    });
    expect(channel.name).toBe('pagerduty');
    const second = alert({
      id: 'a2',
      fingerprint: 'f'.repeat(32),
      severity: 'medium',
      labels: { component: 'auth' },
    });
    await channel.send(notification({ alerts: [alert(), second] }), context);
    expect(receiver.requests.map((request) => [request.method, request.path])).toEqual([
      ['POST', '/v2/enqueue'],
      ['POST', '/v2/enqueue'],
    ]);
    const [first, other] = receiver.requests.map((request) => JSON.parse(request.body));
    expect(first).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: '0123456789abcdef0123456789abcdef',
      payload: {
        summary: 'Brute force on one user: 25 failed logins for user=a***e from 203.0.113.0/24',
        source: 'bot-1',
        severity: 'error',
        timestamp: new Date(at).toISOString(),
        component: 'chat',
        group: 'user=a***e',
        class: 'auth.brute-force.user',
        custom_details: { count: 25, mitre: ['T1110.001'], receiver: 'soc' },
      },
    });
    expect(other).toMatchObject({
      dedup_key: 'f'.repeat(32),
      payload: { severity: 'warning', component: 'auth' },
    });
    expect(receiver.requests[0]?.body).not.toContain('alice@example.com');
    expect(receiver.requests[0]?.body).not.toContain('203.0.113.7');
  });

  it('maps every severity and bounds the summary to 1,024 characters', async () => {
    receiver.respond = answer(202);
    const channel = pagerDutyChannel({ routingKey, baseUrl: receiver.url });
    const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
    receiver.requests.length = 0;
    await channel.send(
      notification({
        alerts: severities.map((severity, i) =>
          alert({ id: `a${i}`, fingerprint: String(i).repeat(32), severity, summary: 'z\n'.repeat(2000) }),
        ),
      }),
      context,
    );
    const events = receiver.requests.map((request) => JSON.parse(request.body));
    expect(events.map((event) => event.payload.severity)).toEqual([
      'critical',
      'error',
      'warning',
      'info',
      'info',
    ]);
    for (const event of events) {
      expect(event.payload.summary.length).toBeLessThanOrEqual(1024);
      expect(event.payload.summary).not.toContain('\n');
      expect(event.payload.source).toBe('secbot');
    }
  });

  it('resolves each resolved alert with only the key and dedup_key', async () => {
    receiver.respond = answer(202);
    receiver.requests.length = 0;
    await pagerDutyChannel({ routingKey, baseUrl: receiver.url }).send(
      notification({ status: 'resolved', alerts: [alert({ status: 'resolved', resolvedAt: at })] }),
      context,
    );
    expect(JSON.parse(receiver.requests[0]!.body)).toEqual({
      routing_key: routingKey,
      dedup_key: '0123456789abcdef0123456789abcdef',
      event_action: 'resolve',
    });
  });

  it('on a partial failure sends the other alerts, and a retry sends only the failed one', async () => {
    const channel = pagerDutyChannel({ routingKey, baseUrl: receiver.url });
    const alerts = [
      alert({ fingerprint: 'a'.repeat(32) }),
      alert({ fingerprint: 'b'.repeat(32) }),
      alert({ fingerprint: 'c'.repeat(32) }),
    ];
    receiver.respond = (request, response) => {
      const failing = request.body.includes('b'.repeat(32));
      response.writeHead(failing ? 503 : 202, failing ? { 'retry-after': '2' } : {});
      response.end();
    };
    receiver.requests.length = 0;
    const error = await channel
      .send(notification({ id: 'n-partial', alerts }), context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 2000, receiverStatus: 503 });
    expect(receiver.requests).toHaveLength(3);
    receiver.respond = answer(202);
    receiver.requests.length = 0;
    await channel.send(notification({ id: 'n-partial', alerts }), { ...context, attempt: 2 });
    expect(receiver.requests.map((request) => JSON.parse(request.body).dedup_key)).toEqual(['b'.repeat(32)]);
  });

  it('combines several failures: retryable when any is, longest Retry-After', async () => {
    const channel = pagerDutyChannel({ routingKey, baseUrl: receiver.url });
    receiver.respond = (request, response) => {
      const bad = request.body.includes('a'.repeat(32));
      response.writeHead(bad ? 400 : 429, bad ? {} : { 'retry-after': '9' });
      response.end();
    };
    const alerts = [alert({ fingerprint: 'a'.repeat(32) }), alert({ fingerprint: 'b'.repeat(32) })];
    const error = (await channel
      .send(notification({ id: 'n-two', alerts }), context)
      .catch((e: unknown) => e)) as AlertDeliveryError;
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 9000 });
    expect(error.message).toBe('pagerduty: 2 of 2 requests failed');
    expect(error.message).not.toContain(routingKey);
  });

  it('validates options without quoting the key', () => {
    for (const options of [
      { routingKey: 'short' },
      { routingKey: `${routingKey} ` },
      { routingKey, region: 'ap' },
      { routingKey, baseUrl: 'http://events.pagerduty.com' },
      { routingKey, source: '' },
    ]) {
      let caught: unknown;
      try {
        pagerDutyChannel(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isSecbotError(caught, 'CONFIG_INVALID')).toBe(true);
      expect((caught as Error).message).not.toContain(routingKey);
    }
  });
});
