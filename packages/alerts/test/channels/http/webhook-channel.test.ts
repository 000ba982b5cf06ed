import { createHmac } from 'node:crypto';
import { isSecbotError } from '@secbot/core';
import { createManualClock } from '@secbot/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../src/channels/http/verify-webhook.js';
import { webhookChannel } from '../../../src/channels/http/webhook-channel.js';
import { AlertDeliveryError } from '../../../src/index.js';
import { at, context, notification } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

const keyA = Buffer.alloc(32, 1);
const keyB = Buffer.alloc(32, 2);
const secretA = `whsec_${keyA.toString('base64')}`;
const secretB = `whsec_${keyB.toString('base64')}`;

const hmac = (key: Buffer, content: string): string =>
  createHmac('sha256', key).update(content).digest('base64');

describe('webhookChannel', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('POSTs the versioned notification, signed per Standard Webhooks', async () => {
    const clock = createManualClock(at);
    const channel = webhookChannel({ url: `${receiver.url}/in`, secret: secretA, now: clock.now });
    expect(channel.name).toBe('webhook');
    await channel.send(notification(), context);
    const request = receiver.requests.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/in');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toBe('n-0001');
    expect(request.headers['webhook-timestamp']).toBe(String(at / 1000));
    const signed = `n-0001.${at / 1000}.${request.body}`;
    expect(request.headers['webhook-signature']).toBe(`v1,${hmac(keyA, signed)}`);
    const payload = JSON.parse(request.body);
    expect(payload).toEqual({ version: '1', ...notification() });
    expect(request.body).not.toContain(secretA);
  });

  it('keeps the id over retries, re-stamps the time, and is accepted once by verifyWebhook', async () => {
    const clock = createManualClock(at);
    const channel = webhookChannel({ url: `${receiver.url}/in`, secret: secretA, now: clock.now });
    const verify = verifyWebhook({ secrets: secretA, now: clock.now });
    await channel.send(notification(), context);
    const first = receiver.requests.at(-1)!;
    clock.advance(61_000);
    await channel.send(notification(), { ...context, attempt: 2 });
    const second = receiver.requests.at(-1)!;
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(second.headers['webhook-timestamp'])).toBe(Number(first.headers['webhook-timestamp']) + 61);
    expect(await verify(first.headers, first.body)).toMatchObject({ version: '1', id: 'n-0001' });
    await expect(verify(second.headers, second.body)).rejects.toSatisfy((error) =>
      isSecbotError(error, 'REQUEST_REPLAYED'),
    );
  });

  it('stamps the real time when no clock is given', async () => {
    const before = Math.floor(Date.now() / 1000);
    await webhookChannel({ url: `${receiver.url}/in`, secret: secretA }).send(notification(), context);
    const stamped = Number(receiver.requests.at(-1)!.headers['webhook-timestamp']);
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('signs with every secret while rotating, and each verifier accepts it', async () => {
    const channel = webhookChannel({ url: `${receiver.url}/in`, secret: [secretB, keyA], now: () => at });
    await channel.send(notification({ id: 'n-rotate' }), context);
    const request = receiver.requests.at(-1)!;
    const signatures = String(request.headers['webhook-signature']).split(' ');
    const signed = `n-rotate.${at / 1000}.${request.body}`;
    expect(signatures).toEqual([`v1,${hmac(keyB, signed)}`, `v1,${hmac(keyA, signed)}`]);
    for (const secrets of [secretA, secretB]) {
      await expect(
        verifyWebhook({ secrets, now: () => at })(request.headers, request.body),
      ).resolves.toBeTruthy();
    }
  });

  it('refuses a notification id that cannot be a header, without retrying', async () => {
    const channel = webhookChannel({ url: `${receiver.url}/in`, secret: secretA });
    const error = await channel.send(notification({ id: 'bad\r\nid' }), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect(error).toMatchObject({ retryable: false });
  });

  it.each([
    ['a plain-http remote URL', { url: 'http://hooks.example.com/in', secret: secretA }, 'url'],
    ['credentials in the URL', { url: 'https://user:pw@hooks.example.com/in', secret: secretA }, 'url'],
    [
      'a secret without whsec_',
      { url: 'https://hooks.example.com/in', secret: 'not-a-whsec-secret' },
      'secret[0]',
    ],
    [
      'a short key',
      { url: 'https://hooks.example.com/in', secret: `whsec_${Buffer.alloc(16).toString('base64')}` },
      'secret[0]',
    ],
    [
      'broken base64',
      { url: 'https://hooks.example.com/in', secret: `whsec_${'A'.repeat(40)}!` },
      'secret[0]',
    ],
    ['no secret', { url: 'https://hooks.example.com/in', secret: [] }, 'secret'],
    ['an unknown option', { url: 'https://hooks.example.com/in', secret: secretA, extra: 1 }, ''],
    ['a zero timeout', { url: 'https://hooks.example.com/in', secret: secretA, timeoutMs: 0 }, 'timeoutMs'],
  ])('fails at construction on %s (CONFIG_INVALID, value not quoted)', (_what, options, path) => {
    let caught: unknown;
    try {
      webhookChannel(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isSecbotError(caught, 'CONFIG_INVALID')).toBe(true);
    const error = caught as { message: string; issues: { path: string }[] };
    expect(error.issues.map((issue) => issue.path)).toContain(path);
    expect(error.message).not.toContain('hooks.example.com');
    const secret = (options as { secret: unknown }).secret;
    if (typeof secret === 'string') expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(secretA);
  });

  it('accepts https and loopback http URLs', () => {
    for (const url of [
      'https://hooks.example.com/in',
      'http://localhost:8080/in',
      'http://127.0.0.53/in',
      'http://[::1]:9/in',
    ]) {
      expect(webhookChannel({ url, secret: secretA }).name).toBe('webhook');
    }
    for (const url of [
      'http://10.0.0.1/in',
      'http://[::2]/in',
      'ftp://127.0.0.1/in',
      'http://127.0.0.1.nip.io/',
    ]) {
      expect(() => webhookChannel({ url, secret: secretA })).toThrow(/url: must be an https: URL/);
    }
  });
});
