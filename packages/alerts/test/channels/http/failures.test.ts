import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mattermostChannel } from '../../../src/channels/http/mattermost-channel.js';
import { opsgenieChannel } from '../../../src/channels/http/opsgenie-channel.js';
import { pagerDutyChannel } from '../../../src/channels/http/pagerduty-channel.js';
import { slackChannel } from '../../../src/channels/http/slack-channel.js';
import { teamsChannel } from '../../../src/channels/http/teams-channel.js';
import { twilioSmsChannel } from '../../../src/channels/http/twilio-sms-channel.js';
import { webhookChannel } from '../../../src/channels/http/webhook-channel.js';
import { type AlertChannel, AlertDeliveryError } from '../../../src/index.js';
import { at, context, notification } from './fixtures.js';
import { answer, type Receiver, startReceiver } from './receiver.js';

// Every HTTP channel shares the transport; each failure path is proven for each of them.
const whsec = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const slackToken = 'xSlackPathToken0123456789';
const mattermostKey = 'mmHookKey0123456789abcdef';
const teamsSig = 'teamsSigValue0123456789abcdef';
const routingKey = 'R0UT1NGKEY0123456789abcdef012345';
const genieKey = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const accountSid = `AC${'1'.repeat(32)}`;
const authToken = 'twilioAuthTokenSecret01234567890';
const phone = '+14155550100';
const basic = Buffer.from(`${accountSid}:${authToken}`).toString('base64');

type Make = (base: string, timeoutMs: number) => AlertChannel;
const now = () => at;
const cases: readonly [string, Make, readonly string[]][] = [
  [
    'webhook',
    (base, timeoutMs) => webhookChannel({ url: `${base}/hook`, secret: whsec, timeoutMs, now }),
    [whsec],
  ],
  [
    'slack',
    (base, timeoutMs) => slackChannel({ url: `${base}/services/T0/B0/${slackToken}`, timeoutMs, now }),
    [slackToken],
  ],
  [
    'mattermost',
    (base, timeoutMs) => mattermostChannel({ url: `${base}/hooks/${mattermostKey}`, timeoutMs, now }),
    [mattermostKey],
  ],
  [
    'teams',
    (base, timeoutMs) =>
      teamsChannel({
        url: `${base}/workflows/w1/triggers/manual/paths/invoke?sig=${teamsSig}`,
        timeoutMs,
        now,
      }),
    [teamsSig],
  ],
  [
    'pagerduty',
    (base, timeoutMs) => pagerDutyChannel({ routingKey, baseUrl: base, timeoutMs, now }),
    [routingKey],
  ],
  [
    'opsgenie',
    (base, timeoutMs) => opsgenieChannel({ apiKey: genieKey, baseUrl: base, timeoutMs, now }),
    [genieKey],
  ],
  [
    'twilio-sms',
    (base, timeoutMs) =>
      twilioSmsChannel({
        accountSid,
        authToken,
        from: '+15005550006',
        to: phone,
        baseUrl: base,
        timeoutMs,
        now,
      }),
    [authToken, basic, phone],
  ],
];

async function deliveryError(promise: Promise<unknown>): Promise<AlertDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AlertDeliveryError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.each(cases)('%s channel failure paths', (kind, make, secrets) => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const expectNoSecrets = (error: AlertDeliveryError, channel: AlertChannel): void => {
    expect(error.code).toBe('ALERT_DELIVERY_FAILED');
    for (const secret of secrets) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
      expect(channel.name).not.toContain(secret);
    }
    expect(error.message).not.toContain(receiver.url);
    expect(error.message.startsWith(`${kind}: `)).toBe(true);
  };

  it('429 with Retry-After in seconds is retryable after that delay', async () => {
    receiver.respond = answer(429, 'slow down', { 'retry-after': '7' });
    const channel = make(receiver.url, 2000);
    const error = await deliveryError(channel.send(notification(), context));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000, receiverStatus: 429 });
    expectNoSecrets(error, channel);
  });

  it('429 with Retry-After as an HTTP date is retryable after that delay', async () => {
    receiver.respond = answer(429, '', { 'retry-after': new Date(at + 30_000).toUTCString() });
    const error = await deliveryError(make(receiver.url, 2000).send(notification(), context));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
  });

  it.each([400, 401, 403, 404])('%i is not retryable', async (status) => {
    receiver.respond = answer(status, '{"error":"SECRET-BODY-MARKER"}');
    const channel = make(receiver.url, 2000);
    const error = await deliveryError(channel.send(notification(), context));
    expect(error).toMatchObject({ retryable: false, receiverStatus: status });
    expect(error.message).not.toContain('SECRET-BODY-MARKER');
    expectNoSecrets(error, channel);
  });

  it('500 with a huge garbage body is retryable and the body stays out of the message', async () => {
    receiver.respond = answer(500, `\u0000\xff${'SECRET-BODY-MARKER'.repeat(200_000)}`);
    const channel = make(receiver.url, 2000);
    const error = await deliveryError(channel.send(notification(), context));
    expect(error).toMatchObject({ retryable: true, receiverStatus: 500 });
    expect(error.message).not.toContain('SECRET-BODY-MARKER');
    expectNoSecrets(error, channel);
  });

  it('a 2xx with a huge body is accepted', async () => {
    receiver.respond = answer(kind === 'twilio-sms' ? 201 : 202, 'x'.repeat(3_000_000));
    await expect(make(receiver.url, 2000).send(notification(), context)).resolves.toBeUndefined();
  });

  it('a receiver that never answers fails as retryable when the timeout passes', async () => {
    receiver.respond = () => undefined;
    const channel = make(receiver.url, 100);
    const started = Date.now();
    const error = await deliveryError(channel.send(notification(), context));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('no answer within 100 ms');
    expectNoSecrets(error, channel);
  });

  it('a receiver that never answers fails when the send signal aborts', async () => {
    receiver.respond = () => undefined;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await deliveryError(
      make(receiver.url, 60_000).send(notification(), { signal: controller.signal, attempt: 2 }),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('aborted');
  });

  it('does not follow a redirect (the payload and credential stay with the configured host)', async () => {
    const elsewhere = await startReceiver();
    try {
      receiver.respond = answer(307, '', { location: `${elsewhere.url}/steal` });
      const error = await deliveryError(make(receiver.url, 2000).send(notification(), context));
      expect(error).toMatchObject({ retryable: false, receiverStatus: 307 });
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('a receiver that speaks garbage instead of HTTP fails as retryable', async () => {
    const garbage = createTcpServer((socket) => {
      socket.on('data', () => socket.end('\u0000NOT HTTP AT ALL\r\n\r\n\u00ff'));
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
      const channel = make(base, 2000);
      const error = await deliveryError(channel.send(notification(), context));
      expect(error.retryable).toBe(true);
      expectNoSecrets(error, channel);
    } finally {
      await new Promise<void>((resolve) => garbage.close(() => resolve()));
    }
  });

  it('connection refused is retryable', async () => {
    const closed = await startReceiver();
    const base = closed.url;
    await closed.close();
    const channel = make(base, 2000);
    const error = await deliveryError(channel.send(notification(), context));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('network error');
    expectNoSecrets(error, channel);
  });
});
