import { isSecbotError } from '@secbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSmsChannel } from '../../../src/channels/http/twilio-sms-channel.js';
import { alert, context, notification } from './fixtures.js';
import { answer, type Receiver, startReceiver } from './receiver.js';

const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
const authToken = 'f00dfeedf00dfeedf00dfeedf00dfeed';
const apiKeySid = `SK${'a'.repeat(32)}`;
const apiKeySecret = 'keySecretValue0123456789abcdefgh';
const alice = '+14155550100';
const bob = '+442071838750';

describe('twilioSmsChannel (against a local stand-in for the Messages API)', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver(answer(201, '{"sid":"SM1","status":"queued"}'));
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('POSTs one form-encoded message per recipient with Basic auth', async () => {
    receiver.requests.length = 0;
    const channel = twilioSmsChannel({
      accountSid,
      authToken,
      from: '+15005550006',
      to: [alice, bob],
      baseUrl: receiver.url,
    });
    expect(channel.name).toBe('twilio-sms');
    await channel.send(notification(), context);
    expect(receiver.requests).toHaveLength(2);
    for (const [i, to] of [alice, bob].entries()) {
      const request = receiver.requests[i]!;
      expect(request).toMatchObject({
        method: 'POST',
        path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
      });
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
      );
      const form = new URLSearchParams(request.body);
      expect(form.get('To')).toBe(to);
      expect(form.get('From')).toBe('+15005550006');
      expect(form.get('MessagingServiceSid')).toBeNull();
      expect(form.get('Body')).toBe(
        '[FIRING:1] HIGH auth.brute-force.user (user=a***e)\n25 failed logins for user=a***e from 203.0.113.0/24',
      );
      expect(request.body).not.toContain(authToken);
    }
  });

  it('uses an API key and a Messaging Service, and bounds the body', async () => {
    receiver.requests.length = 0;
    const messagingServiceSid = `MG${'b'.repeat(32)}`;
    const channel = twilioSmsChannel({
      accountSid,
      apiKeySid,
      apiKeySecret,
      messagingServiceSid,
      to: alice,
      maxChars: 160,
      baseUrl: receiver.url,
    });
    const alerts = Array.from({ length: 20 }, (_, i) =>
      alert({ id: `a${i}`, summary: `summary ${i} ${'w'.repeat(200)}` }),
    );
    await channel.send(notification({ alerts }), context);
    const request = receiver.requests[0]!;
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from(`${apiKeySid}:${apiKeySecret}`).toString('base64')}`,
    );
    const form = new URLSearchParams(request.body);
    expect(form.get('MessagingServiceSid')).toBe(messagingServiceSid);
    expect(form.get('From')).toBeNull();
    expect(form.get('Body')?.length).toBe(160);
    expect(form.get('Body')?.endsWith('…')).toBe(true);
    const full = twilioSmsChannel({
      accountSid,
      authToken,
      from: '+15005550006',
      to: alice,
      maxChars: 1600,
      baseUrl: receiver.url,
    });
    await full.send(notification({ alerts, id: 'n-full' }), context);
    expect(new URLSearchParams(receiver.requests[1]!.body).get('Body')?.length).toBe(1600);
  });

  it('texts the others when one number fails, and a retry texts only that one', async () => {
    const channel = twilioSmsChannel({
      accountSid,
      authToken,
      from: '+15005550006',
      to: [alice, bob],
      baseUrl: receiver.url,
    });
    receiver.respond = (request, response) => {
      const failing = new URLSearchParams(request.body).get('To') === alice;
      response.writeHead(failing ? 500 : 201);
      response.end(failing ? `{"code":20500,"message":"${authToken}"}` : '{}');
    };
    receiver.requests.length = 0;
    const error = (await channel
      .send(notification({ id: 'n-sms' }), context)
      .catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ALERT_DELIVERY_FAILED', retryable: true, receiverStatus: 500 });
    expect(error.message).not.toContain(alice);
    expect(error.message).not.toContain(authToken);
    expect(receiver.requests).toHaveLength(2);
    receiver.respond = answer(201);
    receiver.requests.length = 0;
    await channel.send(notification({ id: 'n-sms' }), { ...context, attempt: 2 });
    expect(receiver.requests.map((request) => new URLSearchParams(request.body).get('To'))).toEqual([alice]);
    await channel.send(notification({ id: 'n-sms' }), { ...context, attempt: 3 });
    expect(receiver.requests).toHaveLength(1);
  });

  it.each([
    ['a number that is not E.164', { to: '0415 555 0100' }],
    ['no credential', { authToken: undefined }],
    ['two credentials', { apiKeySid, apiKeySecret }],
    ['an API key without its secret', { authToken: undefined, apiKeySid }],
    ['both sender kinds', { messagingServiceSid: `MG${'b'.repeat(32)}` }],
    ['a bad account SID', { accountSid: 'AC123' }],
    ['too long a body bound', { maxChars: 1601 }],
    ['no recipient', { to: [] }],
  ])('fails at construction on %s, quoting no value', (_what, change) => {
    let caught: unknown;
    try {
      twilioSmsChannel({ accountSid, authToken, from: '+15005550006', to: alice, ...change } as never);
    } catch (error) {
      caught = error;
    }
    expect(isSecbotError(caught, 'CONFIG_INVALID')).toBe(true);
    for (const secret of [authToken, apiKeySecret, alice, '0415 555 0100']) {
      expect((caught as Error).message).not.toContain(secret);
    }
  });
});
