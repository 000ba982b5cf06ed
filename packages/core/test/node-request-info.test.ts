import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManualClock } from '@secbot/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecbotError } from '../src/index.js';
import {
  createNodeContext,
  createRequestInfo,
  type NodeRequestLike,
  type RequestInfo,
} from '../src/node/index.js';

const req = (
  remoteAddress: string | undefined,
  headers: NodeRequestLike['headers'] = {},
): NodeRequestLike => ({
  headers,
  socket: { remoteAddress },
});

describe('client address', () => {
  it('ignores X-Forwarded-For unless a proxy is trusted (no spoofing by default)', () => {
    const info = createRequestInfo();
    expect(info(req('203.0.113.9', { 'x-forwarded-for': '1.1.1.1' })).ip).toBe('203.0.113.9');
  });

  it('walks X-Forwarded-For through trusted proxies only', () => {
    const info = createRequestInfo({ trustProxy: ['10.0.0.0/8'] });
    // client 198.51.100.7 -> proxy 10.0.0.2 -> proxy 10.0.0.1 -> app
    expect(info(req('10.0.0.1', { 'x-forwarded-for': '198.51.100.7, 10.0.0.2' })).ip).toBe('198.51.100.7');
    // an attacker prepends a fake hop: the first untrusted address from the right is still the real one
    expect(info(req('10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' })).ip).toBe('198.51.100.7');
    // a request straight from the internet cannot claim to be anyone
    expect(info(req('198.51.100.7', { 'x-forwarded-for': '10.0.0.5' })).ip).toBe('198.51.100.7');
  });

  it('trusts exactly n hops with a hop count', () => {
    const info = createRequestInfo({ trustProxy: 1 });
    expect(info(req('10.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' })).ip).toBe('198.51.100.7');
  });

  it('joins repeated X-Forwarded-For headers in order', () => {
    const info = createRequestInfo({ trustProxy: ['loopback', '10.0.0.0/8'] });
    expect(info(req('127.0.0.1', { 'x-forwarded-for': ['198.51.100.7', '10.1.1.1'] })).ip).toBe(
      '198.51.100.7',
    );
  });

  it('returns IPv4-mapped IPv6 addresses in IPv4 form, and IPv6 as is', () => {
    const info = createRequestInfo();
    expect(info(req('::ffff:192.0.2.44')).ip).toBe('192.0.2.44');
    expect(info(req('2001:db8::1')).ip).toBe('2001:db8::1');
  });

  it('never returns something that is not an address', () => {
    const info = createRequestInfo({ trustProxy: ['loopback'] });
    for (const header of [
      'garbage',
      "1.1.1.1'; DROP TABLE",
      '<script>',
      '999.1.1.1',
      ',,,',
      ' ',
      'a'.repeat(100_000),
    ]) {
      const { ip } = info(req('127.0.0.1', { 'x-forwarded-for': header }));
      expect(ip, header.slice(0, 20)).toBe('127.0.0.1');
    }
    expect(info(req(undefined)).ip).toBeUndefined();
    expect(info({ headers: {}, socket: null }).ip).toBeUndefined();
    expect(info(req('not-an-ip')).ip).toBeUndefined();
  });

  it('refuses trust settings that are not addresses, ranges or counts', () => {
    for (const trustProxy of [['not-a-cidr'], ['10.0.0.0/99'], -1, 1.5, true, 'loopback']) {
      let error: unknown;
      try {
        createRequestInfo({ trustProxy } as never);
      } catch (e) {
        error = e;
      }
      expect(isSecbotError(error, 'CONFIG_INVALID'), String(trustProxy)).toBe(true);
      expect((error as Error).message).toContain('trustProxy');
    }
  });
});

describe('request id and user agent', () => {
  it('generates a fresh id and ignores the client-sent one by default', () => {
    const info = createRequestInfo();
    const first = info(req('127.0.0.1', { 'x-request-id': 'attacker-chosen' }));
    expect(first.requestId).not.toBe('attacker-chosen');
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info(req('127.0.0.1')).requestId).not.toBe(first.requestId);
  });

  it('reuses a well-formed upstream id only when told to, and never a malformed one', () => {
    const info = createRequestInfo({
      trustRequestId: true,
      requestIdHeader: 'x-correlation-id',
      generateRequestId: () => 'gen',
    });
    expect(info(req('127.0.0.1', { 'x-correlation-id': 'abc-123.x:y_z' })).requestId).toBe('abc-123.x:y_z');
    for (const bad of ['a b', 'line\nbreak', 'x'.repeat(129), '', '<id>']) {
      expect(info(req('127.0.0.1', { 'x-correlation-id': bad })).requestId).toBe('gen');
    }
  });

  it('bounds the user agent and removes control characters', () => {
    const info = createRequestInfo();
    const { userAgent } = info(
      req('127.0.0.1', { 'user-agent': `curl/8\r\nX-Injected: 1${'a'.repeat(2000)}` }),
    );
    expect(userAgent).toHaveLength(512);
    expect(userAgent).not.toMatch(/[\r\n]/);
    expect(info(req('127.0.0.1')).userAgent).toBeUndefined();
  });
});

describe('createNodeContext', () => {
  it('builds an http SecurityContext stamped by the injected clock', () => {
    const clock = createManualClock(1_000);
    const toContext = createNodeContext({ now: clock.now, generateRequestId: () => 'r1' });
    expect(toContext(req('192.0.2.1', { 'user-agent': 'ua' }))).toEqual({
      requestId: 'r1',
      ip: '192.0.2.1',
      userAgent: 'ua',
      channel: 'http',
      receivedAt: 1_000,
    });
  });
});

describe('on a real Node HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: RequestInfo[] = [];
  const info = createRequestInfo({ trustProxy: ['loopback'] });
  const untrusting = createRequestInfo();

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      seen.push(info(request));
      seen.push(untrusting(request));
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the peer address from a real socket and X-Forwarded-For only through the trusted loopback', async () => {
    await fetch(`${base}/`, { headers: { 'x-forwarded-for': '203.0.113.50', 'user-agent': 'secbot-test' } });
    expect(seen[0]).toMatchObject({ ip: '203.0.113.50', userAgent: 'secbot-test' });
    expect(seen[1]).toMatchObject({ ip: '127.0.0.1' });
  });
});
