// A scripted tour of the secbot kernel. Run it with `pnpm demo` from the repository root.
// Until the adapters exist, this is the demo: it shows what every later package builds on.
import { createEventBus, createMemoryStore, isSecbotError, parseOptions, SecbotError } from '@secbot/core';
import { createRequestInfo } from '@secbot/core/node';
import { z } from 'zod';

const say = (line = '') => console.log(line);
const step = (title: string) => say(`\n== ${title}`);

// 1. One bus for every security event; a listener that crashes cannot break the request.
step('security events');
const bus = createEventBus();
bus.onError((error, event) =>
  say(`  (a listener for ${event.type} failed: ${(error as Error).message}; others went on)`),
);
bus.onAny((event) => say(`  event ${event.type} ${JSON.stringify({ ...event, ts: undefined })}`));
bus.on('auth.lockout', () => {
  throw new Error('pager integration is down');
});

// 2. Brute force: five failures within five minutes lock the username, counted on the Store.
step('five wrong passwords for "ana" within five minutes');
const store = createMemoryStore();
const window = { windowMs: 5 * 60_000, mode: 'sliding' } as const;
async function login(username: string, password: string): Promise<void> {
  if ((await store.get(`lock:${username}`)) !== undefined) {
    throw new SecbotError('AUTH_LOCKED_OUT', `user locked out`, { retryAfterSec: 900 });
  }
  if (password === 'correct horse battery staple') return;
  const { count } = await store.increment(`fail:${username}`, window);
  bus.emit('auth.failure', {
    provider: 'demo',
    method: 'password',
    code: 'AUTH_INVALID_CREDENTIALS',
    username,
  });
  if (count >= 5) {
    await store.set(`lock:${username}`, '1', { ttlMs: 15 * 60_000 });
    bus.emit('auth.lockout', { scope: 'user', key: username, failures: count, retryAfterSec: 900 });
  }
  throw new SecbotError('AUTH_INVALID_CREDENTIALS', 'password did not match');
}
for (let attempt = 1; attempt <= 6; attempt++) {
  try {
    await login('ana', `guess-${attempt}`);
  } catch (error) {
    if (!isSecbotError(error)) throw error;
    say(`  attempt ${attempt}: ${error.code} -> HTTP ${error.status} "${error.publicMessage}"`);
  }
}

// 3. Errors are safe to log and to send: no cause, no token, even when a message is careless.
step('errors never carry secrets');
const careless = new SecbotError(
  'AUTH_INVALID_TOKEN',
  'rejected Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbmEifQ.c2ln',
  {
    cause: new Error('jose said something about the key'),
  },
);
say(`  JSON: ${JSON.stringify(careless)}`);

// 4. The client address comes through trusted proxies only.
step('client address behind a load balancer');
const direct = createRequestInfo();
const behindProxy = createRequestInfo({ trustProxy: ['10.0.0.0/8'] });
const request = {
  headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' },
  socket: { remoteAddress: '10.0.0.1' },
};
say(`  no proxy trusted:        ${direct(request).ip}  (X-Forwarded-For ignored)`);
say(`  10.0.0.0/8 trusted:      ${behindProxy(request).ip}  (the spoofed 6.6.6.6 is not believed)`);

// 5. Misconfiguration fails at start-up, naming the option, never at the first request.
step('bad configuration fails at start-up');
try {
  parseOptions(
    z.object({ issuer: z.url(), clockToleranceSec: z.number().max(60) }),
    { issuer: 'x', clockToleranceSec: 600 },
    'jwtProvider',
  );
} catch (error) {
  if (isSecbotError(error, 'CONFIG_INVALID')) say(`  ${error.code}: ${error.message}`);
}

say('\nTour complete.');
