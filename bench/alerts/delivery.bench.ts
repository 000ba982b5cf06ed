// From event to webhook: while 10,000 security events per second flow through the bus, attacks
// are injected (five failed sign-ins for a fresh user, every 20 ms); each raises an alert that
// createAlerts routes to a signed webhook on 127.0.0.1. Latency is from the fifth failure's emit
// to the receiver having read the request, after one second of warm-up at the same load. Beside it, the floor a user would otherwise have: the
// same request POSTed with plain fetch at the moment of the fifth failure, in the same run and
// the same process (no detection, no routing, no signing, no outbox).
//
// Run: pnpm bench alerts/delivery
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAlerts, webhookChannel } from '@secbot/alerts';
import { createEventBus } from '@secbot/core';

const eventsPerSecond = 10_000;
const seconds = 4;
/** The first second only warms up (JIT, connection pool); its alerts are not counted. */
const warmUpMs = 1000;
const attackEveryMs = 20;
const secret = `whsec_${Buffer.from('bench-secret-0123456789abcdef012').toString('base64')}`;

const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Run {
  readonly latencies: number[];
  readonly events: number;
}

async function run(mode: 'secbot' | 'fetch'): Promise<Run> {
  const emittedAt = new Map<string, number>();
  const latencies: number[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const at = performance.now();
    for (const match of body.matchAll(/username=(victim-\d+)/g)) {
      const sent = emittedAt.get(match[1] as string);
      if (sent !== undefined) {
        latencies.push(at - sent);
        emittedAt.delete(match[1] as string);
      }
    }
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  const bus = createEventBus();
  const alerts =
    mode === 'secbot'
      ? createAlerts({
          bus,
          notifier: {
            route: { receiver: 'soc', groupWaitMs: 0, groupIntervalMs: 1 },
            receivers: { soc: [webhookChannel({ url, secret })] },
          },
        })
      : undefined;

  let events = 0;
  let victim = 0;
  const started = performance.now();
  const perTick = eventsPerSecond / 1000;
  let nextAttack = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - started;
      if (elapsed >= warmUpMs + seconds * 1000) {
        resolve();
        return;
      }
      // catch up to the target rate: 10 events per elapsed millisecond
      while (events < elapsed * perTick) {
        events += 1;
        bus.emit('access.granted', {
          actor: { id: `user-${events % 5000}` },
          permission: 'transcripts:read',
          ip: `10.0.${(events >> 8) & 255}.${events & 255}`,
        });
      }
      if (elapsed >= nextAttack) {
        nextAttack += attackEveryMs;
        const name = `victim-${victim++}`;
        const measured = elapsed >= warmUpMs;
        for (let i = 0; i < 5; i++) {
          events += 1;
          bus.emit('auth.failure', {
            provider: 'local',
            method: 'password',
            code: 'AUTH_INVALID_CREDENTIALS',
            username: name,
            ip: `203.0.113.${victim & 255}`,
          });
        }
        if (measured) emittedAt.set(name, performance.now());
        if (mode === 'fetch' && measured) {
          const body = JSON.stringify({ alerts: [{ groupKey: `username=${name}` }] });
          void fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(
            (response) => response.arrayBuffer(),
            () => undefined,
          );
        }
      }
      setImmediate(tick);
    };
    tick();
  });
  await new Promise((resolve) => setTimeout(resolve, 500)); // let the last deliveries land
  await alerts?.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { latencies, events };
}

export default async function deliveryBench(): Promise<void> {
  const ours = await run('secbot');
  const floor = await run('fetch');
  const p50 = percentile(ours.latencies, 0.5);
  const p99 = percentile(ours.latencies, 0.99);
  const floorP99 = percentile(floor.latencies, 0.99);
  console.log(
    `\nevent -> signed webhook on 127.0.0.1, ${Math.round(ours.events / (seconds + warmUpMs / 1000)).toLocaleString('en-US')} events/s flowing, ${ours.latencies.length} alerts`,
  );
  console.log(`  createAlerts + webhookChannel      p50 ${p50.toFixed(1)} ms   p99 ${p99.toFixed(1)} ms`);
  console.log(
    `  plain fetch at the 5th failure     p50 ${percentile(floor.latencies, 0.5).toFixed(1)} ms   p99 ${floorP99.toFixed(1)} ms   (${floor.latencies.length} requests)`,
  );
  console.log(`  p99 <= 50 ms: ${verdict(p99 <= 50)}; ours/floor p99 = ${(p99 / floorP99).toFixed(2)}x`);
}
