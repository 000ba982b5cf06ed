// The secbot demo: run it with `pnpm demo` from the repository root. It wires the packages the
// way a bot would (one event bus, one store, an audit trail that records every security event,
// attack detection that alerts the security team through a signed webhook)
// and tells what happens, step by step. Everything runs in-process with the embedded defaults.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlerts, verifyWebhook, webhookChannel } from '@secbot/alerts';
import { createAuditLog, createRedactor, fileSink, verifyAuditLog } from '@secbot/audit';
import { createEventBus, createMemoryStore, isSecbotError, type SecurityContext } from '@secbot/core';
import { createEnvelope, localKeyProvider } from '@secbot/crypto';
import { createAuthenticator, createUserRecord, localDirectoryProvider } from '@secbot/identity';
import { createPolicyAdmin, createRbac, type PolicyDocument } from '@secbot/rbac';

const say = (line = '') => console.log(line);
const step = (title: string) => say(`\n== ${title}`);
const failure = (error: unknown) =>
  isSecbotError(error)
    ? `${error.code} (HTTP ${error.status}, client sees "${error.publicMessage}")`
    : String(error);
// Anything that should have been refused but was not makes the tour fail (CI runs it).
const unexpected = (what: string): string => {
  process.exitCode = 1;
  return `${what} (UNEXPECTED)`;
};
let requests = 0;
const request = (ip: string): SecurityContext => ({
  requestId: `r-${++requests}`,
  channel: 'http',
  ip,
  receivedAt: Date.now(),
});

// One bus and one store for everything; the audit trail records every security event on the bus.
const bus = createEventBus();
const store = createMemoryStore();
const auditPath = join(mkdtempSync(join(tmpdir(), 'secbot-demo-')), 'audit.jsonl');
const auditKey = randomBytes(32);
const audit = createAuditLog({
  sink: fileSink({ path: auditPath }),
  key: auditKey,
  redact: createRedactor(),
  bus,
});
bus.on('auth.lockout', (event) =>
  say(
    `  lockout: ${event.scope} "${event.key}" locked for ${event.retryAfterSec}s after ${event.failures} failures`,
  ),
);

// Attack detection: every event on the bus goes through the built-in rules; alerts go to the
// security team as signed webhooks. The "SOC" here is a local receiver that checks the signature.
const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
const verifySignature = verifyWebhook({ secrets: [webhookSecret] });
const received: string[] = [];
const soc = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const notification = (await verifySignature(req.headers, Buffer.concat(chunks).toString('utf8'))) as {
      alerts: { ruleId: string; summary: string }[];
    };
    for (const alert of notification.alerts) {
      received.push(alert.ruleId);
      say(`  SOC webhook (signature verified): ${alert.ruleId}: ${alert.summary}`);
    }
    res.writeHead(204).end();
  } catch (error) {
    say(`  SOC webhook refused a request: ${failure(error)}`);
    res.writeHead(401).end();
  }
});
await new Promise<void>((resolve) => soc.listen(0, '127.0.0.1', resolve));
const alerts = createAlerts({
  bus,
  store,
  notifier: {
    route: { receiver: 'soc', groupWaitMs: 0 },
    receivers: {
      soc: [
        webhookChannel({
          url: `http://127.0.0.1:${(soc.address() as AddressInfo).port}/secbot`,
          secret: webhookSecret,
        }),
      ],
    },
  },
});

step('1. people log in (local users, Argon2id hashes)');
const users = localDirectoryProvider({
  users: [
    await createUserRecord('ana', 'ana correct horse battery', ['admin']),
    await createUserRecord('bo', 'bo staple gun radio', ['admin']),
    await createUserRecord('carl', 'carl blue sky 2026', ['customer']),
  ],
});
const auth = createAuthenticator({ providers: users, store, bus, lockout: { maxFailures: 3 } });
const ana = await auth.authenticate(
  { kind: 'password', username: 'ana', password: 'ana correct horse battery' },
  request('192.0.2.10'),
);
const bo = await auth.authenticate(
  { kind: 'password', username: 'bo', password: 'bo staple gun radio' },
  request('192.0.2.11'),
);
const carl = await auth.authenticate(
  { kind: 'password', username: 'carl', password: 'carl blue sky 2026' },
  request('198.51.100.7'),
);
say(`  ana: ${ana.roles.join(', ')}   bo: ${bo.roles.join(', ')}   carl: ${carl.roles.join(', ')}`);

step("2. someone guesses carl's password");
for (let attempt = 1; attempt <= 5; attempt++) {
  const result = await auth
    .authenticate(
      { kind: 'password', username: 'carl', password: `guess-${attempt}` },
      request('203.0.113.66'),
    )
    .then(() => unexpected('logged in'), failure);
  say(`  attempt ${attempt}: ${result}`);
}
await alerts.notifier.flush();
await new Promise((resolve) => setTimeout(resolve, 200)); // the webhook arrives
if (!received.includes('auth.brute-force.user'))
  say(`  ${unexpected('no brute-force alert reached the SOC')}`);

step('3. what each role may do (RBAC, default deny, explained)');
const policy: PolicyDocument = {
  version: 1,
  roles: {
    customer: { allow: ['bot:chat', { permission: 'transcripts:read', when: 'owner' }] },
    agent: { inherits: ['customer'], allow: ['transcripts:*'], deny: ['transcripts:delete'] },
    admin: { inherits: ['agent'], allow: ['policy:*', 'audit:search'] },
  },
};
const rbac = createRbac(policy, { bus });
const transcript = { type: 'transcript', id: 't-42', ownerId: 'carl' };
for (const [who, permission] of [
  [carl, 'transcripts:read'],
  [carl, 'policy:apply'],
  [ana, 'transcripts:delete'],
] as const) {
  const decision = rbac.check(who, permission, transcript);
  say(
    `  ${who.id} ${permission}: ${decision.allowed ? 'allowed' : 'DENIED'} (${decision.reason}${decision.rule ? `, rule "${decision.rule}" of role ${decision.role}` : ''})`,
  );
}

step('4. a policy change needs a second person (four eyes)');
const admin = createPolicyAdmin({ rbac, bus });
const change = await admin.propose({
  policy: {
    ...policy,
    roles: {
      ...policy.roles,
      customer: { allow: ['bot:chat', 'faq:read', { permission: 'transcripts:read', when: 'owner' }] },
    },
  },
  by: ana,
  reason: 'customers may read the FAQ',
});
say(`  ana proposes: +${change.diff.grantsAdded.map((g) => `${g.role} ${g.grant}`).join(', ')}`);
say(
  `  ana approves her own change: ${await admin.approve(change.id, ana).then(() => unexpected('approved'), failure)}`,
);
await admin.approve(change.id, bo);
await admin.apply(change.id, ana);
say(`  bo approves, ana applies: carl faq:read is now ${rbac.can(carl, 'faq:read') ? 'allowed' : 'denied'}`);
say(
  `  changing the policy without approval: ${(() => {
    try {
      rbac.update(policy);
      return unexpected('changed');
    } catch (error) {
      return failure(error);
    }
  })()}`,
);

step('5. transcripts are encrypted at rest, bound to where they belong');
const envelope = createEnvelope({
  keyProvider: localKeyProvider({ keys: [{ id: 'kek-demo', key: randomBytes(32) }] }),
  bus,
});
const where = { tenant: 'acme', collection: 'transcripts', recordId: 't-42' };
const sealed = await envelope.sealText('carl: my card is 4111 1111 1111 1111', where);
say(`  stored: ${sealed.slice(0, 48)}...`);
say(`  read back: ${await envelope.openText(sealed, where)}`);
say(
  `  copied to another record: ${await envelope.openText(sealed, { ...where, recordId: 't-43' }).then(() => unexpected('opened'), failure)}`,
);
await envelope.destroy({ tenant: 'acme' }, ana.id);
say(
  `  after the tenant's erasure request (crypto-shredding): ${await envelope.openText(sealed, where).then(() => unexpected('opened'), failure)}`,
);

await alerts.close();
soc.close();

step('6. the audit trail recorded all of it, and proves nobody edited it');
await audit.record({
  actor: { id: ana.id, roles: [...ana.roles] },
  action: 'demo.finished',
  outcome: 'success',
  details: { authorization: 'Bearer not-in-the-log' },
});
await audit.close();
const lines = readFileSync(auditPath, 'utf8').trim().split('\n');
say(`  last line: ${lines.at(-1)?.slice(0, 200)}...`);
const report = await verifyAuditLog({ path: auditPath, key: auditKey });
say(
  `  ${auditPath}: ${report.count} lines, chain ${report.ok ? 'intact' : unexpected(`BROKEN at ${report.error?.seq}`)}`,
);
say('\nTour complete.');
