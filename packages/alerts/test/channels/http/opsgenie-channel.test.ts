import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsgenieChannel } from '../../../src/channels/http/opsgenie-channel.js';
import { opsgenieAlertRequests } from '../../../src/channels/http/opsgenie-request.js';
import { alert, context, notification } from './fixtures.js';
import { answer, type Receiver, startReceiver } from './receiver.js';

const apiKey = '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

describe('opsgenieChannel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver(answer(202, '{"result":"Request will be processed","requestId":"r1"}'));
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('creates an alert per alert with GenieKey auth, alias = fingerprint, priority from severity', async () => {
    receiver.requests.length = 0;
    const channel = opsgenieChannel({ apiKey, baseUrl: receiver.url, tags: ['chatbot'] });
    expect(channel.name).toBe('opsgenie');
    await channel.send(
      notification({
        alerts: [alert(), alert({ id: 'a2', fingerprint: 'e'.repeat(32), severity: 'critical' })],
      }),
      context,
    );
    expect(receiver.requests).toHaveLength(2);
    const request = receiver.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', path: '/v2/alerts' });
    expect(request.headers.authorization).toBe(`GenieKey ${apiKey}`);
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      message: 'HIGH Brute force on one user',
      alias: '0123456789abcdef0123456789abcdef',
      priority: 'P2',
      source: 'secbot',
      entity: 'user=a***e',
      tags: ['secbot', 'auth.brute-force.user', 'high', 'T1110.001', 'chatbot'],
      details: { rule: 'auth.brute-force.user', count: '25', 'label.user': 'a***e' },
    });
    expect(body.description).toContain('25 failed logins');
    expect(JSON.parse(receiver.requests[1]!.body).priority).toBe('P1');
    expect(request.body).not.toContain('alice@example.com');
  });

  it('closes resolved alerts by alias', async () => {
    receiver.requests.length = 0;
    await opsgenieChannel({ apiKey, baseUrl: receiver.url }).send(
      notification({ status: 'resolved', alerts: [alert({ status: 'resolved' })] }),
      context,
    );
    expect(receiver.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/alerts/0123456789abcdef0123456789abcdef/close?identifierType=alias',
    });
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ source: 'secbot' });
  });

  it('bounds message (130), description (15,000), tags (20 x 50) and details (8,000)', () => {
    const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v'.repeat(400)]));
    const big = alert({
      title: 't'.repeat(500),
      summary: 's'.repeat(40_000),
      mitre: Array.from({ length: 30 }, (_, i) => `T${1000 + i}${'x'.repeat(60)}`),
      labels,
    });
    const [request] = opsgenieAlertRequests(notification({ alerts: [big] }), { source: 'secbot', tags: [] });
    const body = request!.body as {
      message: string;
      description: string;
      tags: string[];
      details: Record<string, string>;
    };
    expect(body.message.length).toBeLessThanOrEqual(130);
    expect(body.description.length).toBeLessThanOrEqual(15_000);
    expect(body.tags.length).toBeLessThanOrEqual(20);
    expect(body.tags.every((tag) => tag.length <= 50)).toBe(true);
    const size = Object.entries(body.details).reduce(
      (sum, [key, value]) => sum + key.length + value.length,
      0,
    );
    expect(size).toBeLessThanOrEqual(8000);
    expect(body.details.rule).toBe('auth.brute-force.user');
  });

  it('does not retry a 422, keeps the key out of errors, refuses a malformed key', async () => {
    receiver.respond = answer(422, `{"message":"${apiKey}"}`);
    const channel = opsgenieChannel({ apiKey, baseUrl: receiver.url, region: 'eu' });
    const error = (await channel.send(notification(), context).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ retryable: false, receiverStatus: 422 });
    expect(error.message).not.toContain(apiKey);
    receiver.respond = answer(202);
    expect(() => opsgenieChannel({ apiKey: 'bad key with spaces' })).toThrow(
      /apiKey: must be an Opsgenie API key/,
    );
  });
});
