import { createHmac } from 'node:crypto';
import { createMemoryStore, type SecbotErrorCode, type Store } from '@secbot/core';
import { createManualClock, secbotRejection } from '@secbot/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/channels/http/verify-webhook.js';

const key = Buffer.alloc(32, 9);
const secret = `whsec_${key.toString('base64')}`;
const otherSecret = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
const t0 = 1_767_225_600; // 2026-01-01T00:00:00Z, seconds

// An independent signer: plain node:crypto, not the code under test.
type Signed = { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };

function signed(body: string, id = 'msg_1', timestamp = t0, with_ = key): Signed {
  const signature = createHmac('sha256', with_).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

const body = JSON.stringify({ version: '1', id: 'msg_1', alerts: [] });

async function refused(promise: Promise<unknown>, code: SecbotErrorCode): Promise<void> {
  const error = await secbotRejection(promise);
  expect(error.code).toBe(code);
  expect(error.message).not.toContain(secret);
}

describe('verifyWebhook', () => {
  it('verifies the worked example of the Standard Webhooks specification', async () => {
    const verify = verifyWebhook({
      secrets: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      now: () => 1614265330_000,
    });
    const payload = await verify(
      {
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      },
      '{"test": 2432232314}',
    );
    expect(payload).toEqual({ test: 2432232314 });
  });

  it('returns the parsed payload of a valid message, from Node headers, fetch Headers or bytes', async () => {
    const clock = createManualClock(t0 * 1000);
    const verify = verifyWebhook({ secrets: secret, now: clock.now });
    expect(await verify(signed(body), body)).toEqual(JSON.parse(body));
    expect(await verify(new Headers(signed(body, 'msg_2')), Buffer.from(body))).toEqual(JSON.parse(body));
    const mixedCase = Object.fromEntries(
      Object.entries(signed(body, 'msg_3')).map(([k, v]) => [k.toUpperCase(), v]),
    );
    expect(await verify(mixedCase, new TextEncoder().encode(body))).toEqual(JSON.parse(body));
  });

  it('refuses a tampered body, a wrong secret, a signature for another id or time', async () => {
    const verify = verifyWebhook({ secrets: secret, now: () => t0 * 1000 });
    await refused(verify(signed(body), body.replace('msg_1', 'msg_9')), 'AUTH_INVALID_TOKEN');
    await refused(verify(signed(body, 'msg_1', t0, Buffer.alloc(32, 8)), body), 'AUTH_INVALID_TOKEN');
    await refused(verify({ ...signed(body), 'webhook-id': 'msg_other' }, body), 'AUTH_INVALID_TOKEN');
    await refused(
      verify({ ...signed(body), 'webhook-timestamp': String(t0 + 1) }, body),
      'AUTH_INVALID_TOKEN',
    );
    const forged = {
      ...signed(body),
      'webhook-signature': `v1a,${signed(body)['webhook-signature'].slice(3)}`,
    };
    await refused(verify(forged, body), 'AUTH_INVALID_TOKEN');
  });

  it('accepts any configured secret while rotating, and any of several signatures', async () => {
    const verify = verifyWebhook({ secrets: [otherSecret, secret], now: () => t0 * 1000 });
    await expect(verify(signed(body, 'm1'), body)).resolves.toBeTruthy();
    const old = signed(body, 'm2', t0, Buffer.alloc(32, 3))['webhook-signature'];
    const current = signed(body, 'm2')['webhook-signature'];
    await expect(
      verify({ ...signed(body, 'm2'), 'webhook-signature': `${old} ${current}` }, body),
    ).resolves.toBeTruthy();
  });

  it('refuses a timestamp outside the tolerance, either way, and accepts its edges', async () => {
    const clock = createManualClock(t0 * 1000);
    const verify = verifyWebhook({ secrets: secret, toleranceSec: 60, now: clock.now });
    await refused(verify(signed(body, 'old', t0 - 61), body), 'AUTH_TOKEN_EXPIRED');
    await refused(verify(signed(body, 'new', t0 + 61), body), 'AUTH_INVALID_TOKEN');
    await expect(verify(signed(body, 'edge-old', t0 - 60), body)).resolves.toBeTruthy();
    await expect(verify(signed(body, 'edge-new', t0 + 60), body)).resolves.toBeTruthy();
  });

  it('refuses a replayed id, across the whole tolerance window, with a shared Store', async () => {
    const clock = createManualClock(t0 * 1000);
    const store = createMemoryStore({ now: clock.now });
    const a = verifyWebhook({ secrets: secret, now: clock.now, replay: { store } });
    const b = verifyWebhook({ secrets: secret, now: clock.now, replay: { store } });
    await a(signed(body), body);
    await refused(b(signed(body), body), 'REQUEST_REPLAYED');
    clock.advance(299_000);
    await refused(a(signed(body), body), 'REQUEST_REPLAYED');
    // A re-signed retry with a fresh timestamp but the same id is refused too.
    await refused(a(signed(body, 'msg_1', t0 + 299), body), 'REQUEST_REPLAYED');
  });

  it('does not remember ids of messages that failed verification', async () => {
    const ids: string[] = [];
    const verify = verifyWebhook({
      secrets: secret,
      now: () => t0 * 1000,
      replay: {
        seen: (id) => {
          if (ids.includes(id)) return true;
          ids.push(id);
          return false;
        },
      },
    });
    await refused(verify(signed(body, 'x1', t0, Buffer.alloc(32, 5)), body), 'AUTH_INVALID_TOKEN');
    await refused(verify(signed('not json', 'x2'), 'not json'), 'REQUEST_INVALID');
    expect(ids).toEqual([]);
    await verify(signed(body, 'x1'), body);
    await refused(verify(signed(body, 'x1'), body), 'REQUEST_REPLAYED');
  });

  it('fails closed when the replay store fails', async () => {
    const broken = { ...createMemoryStore(), set: () => Promise.reject(new Error('down')) } as Store;
    const verify = verifyWebhook({ secrets: secret, now: () => t0 * 1000, replay: { store: broken } });
    await refused(verify(signed(body), body), 'STORE_UNAVAILABLE');
    const throwing = verifyWebhook({
      secrets: secret,
      now: () => t0 * 1000,
      replay: {
        seen: () => {
          throw new Error('boom');
        },
      },
    });
    await refused(throwing(signed(body), body), 'STORE_UNAVAILABLE');
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a missing %s', async (name) => {
    const verify = verifyWebhook({ secrets: secret, now: () => t0 * 1000 });
    const headers: Record<string, string> = { ...signed(body) };
    delete headers[name];
    await refused(verify(headers, body), 'AUTH_REQUIRED');
    await refused(verify({ ...signed(body), [name]: '' }, body), 'AUTH_REQUIRED');
  });

  it('refuses malformed, repeated, oversized and garbage headers', async () => {
    const verify = verifyWebhook({ secrets: secret, now: () => t0 * 1000 });
    const good = signed(body);
    const cases: Record<string, string | string[]>[] = [
      { ...good, 'webhook-id': 'has space' },
      { ...good, 'webhook-id': 'x'.repeat(257) },
      { ...good, 'webhook-id': 'caf\u00e9' },
      { ...good, 'webhook-timestamp': '1e9' },
      { ...good, 'webhook-timestamp': '-1' },
      { ...good, 'webhook-timestamp': '9'.repeat(13) },
      { ...good, 'webhook-timestamp': ` ${t0}` },
      { ...good, 'webhook-signature': 'v1,'.repeat(2000) },
      { ...good, 'webhook-signature': `${'v1,AAAA '.repeat(17)}${good['webhook-signature']}` },
      { ...good, 'webhook-signature': 'v1,not base64 at all!!' },
      { ...good, 'webhook-signature': `v1,${'A'.repeat(43)}=` },
      { ...good, 'webhook-signature': [good['webhook-signature'], good['webhook-signature']] },
    ];
    for (const headers of cases) await refused(verify(headers, body), 'AUTH_INVALID_TOKEN');
  });

  it('refuses a body over the limit before any other work', async () => {
    const verify = verifyWebhook({ secrets: secret, maxBodyBytes: 64, now: () => t0 * 1000 });
    const big = JSON.stringify({ pad: 'x'.repeat(100) });
    await refused(verify(signed(big), big), 'REQUEST_TOO_LARGE');
    await refused(verify({}, Buffer.alloc(65)), 'REQUEST_TOO_LARGE');
  });

  it('refuses a signed body that is not UTF-8 JSON', async () => {
    const verify = verifyWebhook({ secrets: secret, now: () => t0 * 1000 });
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const signature = createHmac('sha256', key).update(`b1.${t0}.`).update(bytes).digest('base64');
    const headers = {
      'webhook-id': 'b1',
      'webhook-timestamp': String(t0),
      'webhook-signature': `v1,${signature}`,
    };
    await refused(verify(headers, bytes), 'REQUEST_INVALID');
  });

  it('never accepts random headers and bodies (property)', async () => {
    const verify = verifyWebhook({ secrets: secret, now: () => t0 * 1000, replay: { seen: () => false } });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature', 'x'),
          fc.string(),
        ),
        fc.string(),
        async (headers, text) => {
          const error = await secbotRejection(verify(headers, text));
          expect(['AUTH_REQUIRED', 'AUTH_INVALID_TOKEN', 'AUTH_TOKEN_EXPIRED']).toContain(error.code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fails at construction on bad options', () => {
    for (const options of [
      { secrets: [] },
      { secrets: 'whsec_short' },
      { secrets: secret, toleranceSec: 0 },
      { secrets: secret, replay: { store: {} } },
      { secrets: secret, replay: { check: () => false } },
      { secrets: secret, maxBodyBytes: -1 },
    ]) {
      expect(() => verifyWebhook(options as never)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });
});
