#!/usr/bin/env node
// Checks every publishable package in packages/* the way a user would receive it: from the packed
// tarball, not from the workspace.
//
//   1. the package is built (dist/ and every file its package.json points at exist);
//   2. `pnpm pack` (which rewrites `workspace:` ranges to real versions);
//   3. publint (strict, and any message at all fails) and attw on the tarball;
//   4. a fresh temporary npm project installs all tarballs together, @secbot/* from those tarballs only;
//   5. every export subpath is imported with ESM, and required with CJS where it has a "require"
//      condition, and must resolve to the file its exports map names and expose exports; the
//      SecbotError brand must work across the ESM and CJS copies of @secbot/core;
//   6. consumer files are type-checked against the installed declarations (skipLibCheck off), once
//      as an ESM consumer and once as a CJS (.cts) consumer, both under module/moduleResolution nodenext.
//
// Usage: node scripts/check-packages.mjs   (build first: pnpm build). KEEP_TMP=1 keeps the temp dirs.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = path.join(root, 'packages');
const binDir = path.join(root, 'node_modules', '.bin');
const isWindows = process.platform === 'win32';
const keepTmp = process.env.KEEP_TMP === '1';
const started = Date.now();

class CheckError extends Error {
  /**
   * @param {string} step
   * @param {string} message
   * @param {string} [details]
   */
  constructor(step, message, details = '') {
    super(message);
    this.step = step;
    this.details = details;
  }
}

/** @param {string} step @param {string} [what] */
const ok = (step, what = '') => console.log(`ok ${step}${what ? ` ${what}` : ''}`);

/**
 * Run a command, capturing its output; rejects with a CheckError naming `step` when it fails.
 *
 * @param {string} step
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, allowFailure?: boolean }} [options]
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function run(step, command, args, options = {}) {
  const { cwd = root, env = process.env, timeoutMs = 120_000, allowFailure = false } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      timeout: timeoutMs,
      shell: isWindows,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) => reject(new CheckError(step, `cannot run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if ((code === 0 || allowFailure) && signal === null) {
        resolve({ code, stdout, stderr });
        return;
      }
      const why = signal === null ? `exit code ${code}` : `killed by ${signal} (timeout ${timeoutMs} ms?)`;
      const shown = [command, ...args]
        .map((arg) => (arg.includes('\n') || arg.length > 100 ? '<script>' : arg))
        .join(' ');
      reject(new CheckError(step, `\`${shown}\` failed (${why}) in ${cwd}`, `${stdout}\n${stderr}`.trim()));
    });
  });
}

/** @param {string} file */
const readJson = async (file) => JSON.parse(await readFile(file, 'utf8'));

// ---------------------------------------------------------------------------------------------
// Exports-map helpers

/**
 * The exports map as `{ subpath: target }`, whatever shorthand the package uses.
 *
 * @param {Record<string, any>} pkg
 * @returns {Record<string, unknown>}
 */
function exportsMap(pkg) {
  const { exports } = pkg;
  if (exports === undefined) return { '.': pkg.main ?? './index.js' };
  if (typeof exports === 'string' || Array.isArray(exports)) return { '.': exports };
  const keys = Object.keys(exports);
  if (keys.length > 0 && keys.every((key) => !key.startsWith('.'))) return { '.': exports };
  return exports;
}

/** @param {unknown} value @returns {boolean} */
function hasRequireCondition(value) {
  if (Array.isArray(value)) return value.some(hasRequireCondition);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, inner]) => key === 'require' || hasRequireCondition(inner));
}

/**
 * Resolve a conditional export target the way Node and TypeScript do: the first key, in the
 * object's order, that is one of `conditions` and itself resolves.
 *
 * @param {unknown} value
 * @param {readonly string[]} conditions
 * @returns {string | undefined}
 */
function resolveTarget(value, conditions) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const target = resolveTarget(item, conditions);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (!conditions.includes(key)) continue;
    const target = resolveTarget(inner, conditions);
    if (target !== undefined) return target;
  }
  return undefined;
}

/** All file targets in an exports value (any condition). @param {unknown} value @returns {string[]} */
function allTargets(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allTargets);
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(allTargets);
}

// Node 20.19+ enables require(esm) by default, and with it the "module-sync" condition.
const moduleSync = process.features.require_module ? ['module-sync'] : [];
const runtimeConditions = {
  esm: ['node', 'import', ...moduleSync, 'default'],
  cjs: ['node', 'require', ...moduleSync, 'default'],
};
const typesConditions = {
  esm: ['types', 'node', 'import', 'default'],
  cjs: ['types', 'node', 'require', 'default'],
};

/**
 * The declaration file TypeScript should pick for a subpath, or undefined.
 *
 * @param {unknown} value
 * @param {'esm' | 'cjs'} flavour
 */
function typesTarget(value, flavour) {
  const target = resolveTarget(value, typesConditions[flavour]);
  if (target === undefined || /\.d\.[cm]?ts$/.test(target)) return target;
  return target.replace(/\.(c|m)?js$/, (_, kind = '') => `.d.${kind}ts`);
}

// ---------------------------------------------------------------------------------------------
// Steps

/** @typedef {{ dir: string, rel: string, pkg: Record<string, any>, name: string, subpaths: [string, unknown][], dual: boolean, tarball?: string }} Workspace */

/** @returns {Promise<Workspace[]>} */
async function discover() {
  const found = [];
  for (const entry of await readdir(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(packagesDir, entry.name);
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = await readJson(manifest);
    if (pkg.private === true) continue;
    const subpaths = Object.entries(exportsMap(pkg)).filter(
      ([subpath, target]) => subpath !== './package.json' && !subpath.includes('*') && target !== null,
    );
    found.push({
      dir,
      rel: path.relative(root, dir),
      pkg,
      name: pkg.name,
      subpaths,
      dual: hasRequireCondition(pkg.exports ?? pkg.main),
    });
  }
  found.sort((a, b) => a.name.localeCompare(b.name));
  if (found.length === 0) throw new CheckError('discover', `no public package found in ${packagesDir}`);
  ok('discover', found.map((ws) => ws.name).join(', '));
  return found;
}

/** @param {Workspace} ws */
function checkBuilt(ws) {
  const hint = 'build first: pnpm -r --filter ./packages/** run build';
  if (!existsSync(path.join(ws.dir, 'dist'))) {
    throw new CheckError('built', `${ws.rel}/dist is missing (${ws.name} is not built); ${hint}`);
  }
  const { main, module, types, typings, exports } = ws.pkg;
  const targets = [main, module, types, typings, ...allTargets(exports)].filter(
    (target) => typeof target === 'string' && !target.includes('*') && target !== './package.json',
  );
  const missing = [...new Set(targets)].filter((target) => !existsSync(path.join(ws.dir, target)));
  if (missing.length > 0) {
    throw new CheckError('built', `${ws.name}: missing ${missing.join(', ')} in ${ws.rel}; ${hint}`);
  }
  ok('built', ws.name);
}

/** @param {Workspace} ws @param {string} destination */
async function pack(ws, destination) {
  const { stdout } = await run('pack', 'pnpm', ['pack', '--json', '--pack-destination', destination], {
    cwd: ws.dir,
  });
  const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
  ws.tarball = path.resolve(destination, report.filename);
  if (!existsSync(ws.tarball)) throw new CheckError('pack', `${ws.name}: pnpm pack made no ${ws.tarball}`);
  ok('pack', `${ws.name} -> ${path.basename(ws.tarball)} (${report.files.length} files)`);
}

/** @param {Workspace} ws */
async function lintPublint(ws) {
  const data = await readFile(/** @type {string} */ (ws.tarball));
  const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  // The API rather than the CLI: the CLI exits 0 on suggestions, and we want zero messages.
  const { messages, pkg } = await publint({ pack: { tarball }, strict: true, level: 'suggestion' });
  if (messages.length > 0) {
    const lines = messages.map(
      (message) => `  ${message.type}: ${formatMessage(message, pkg, { color: false }) ?? message.code}`,
    );
    throw new CheckError('publint', `${ws.name}: ${messages.length} problem(s)`, lines.join('\n'));
  }
  const sections = ['dependencies', 'peerDependencies', 'optionalDependencies'];
  const unresolved = sections.flatMap((section) =>
    Object.entries(pkg[section] ?? {})
      .filter(([, range]) => /^(workspace|catalog):/.test(String(range)))
      .map(([dep, range]) => `${section}.${dep}: ${range}`),
  );
  if (unresolved.length > 0) {
    throw new CheckError('pack', `${ws.name}: the tarball still has ${unresolved.join(', ')}`);
  }
  ok('publint', ws.name);
}

/** @param {Workspace} ws */
async function lintAttw(ws) {
  // Dual packages (a "require" condition somewhere) must pass attw's default "strict" profile:
  // node10 (TypeScript's legacy resolution, still what `"module": "commonjs"` without
  // moduleResolution uses, common in Bot Framework projects), node16 from CJS and ESM, and bundler.
  // Subpath exports reach node10 users through "typesVersions". ESM-only packages use "esm-only",
  // which accepts that require() has no types.
  const profile = ws.dual ? 'strict' : 'esm-only';
  const attw = path.join(binDir, isWindows ? 'attw.cmd' : 'attw');
  const result = await run(
    'attw',
    attw,
    [/** @type {string} */ (ws.tarball), '--profile', profile, '--format', 'ascii', '--no-color'],
    { cwd: path.dirname(/** @type {string} */ (ws.tarball)), allowFailure: true },
  );
  if (result.code !== 0) {
    throw new CheckError(
      'attw',
      `${ws.name}: problems found (profile ${profile})`,
      `${result.stdout}\n${result.stderr}`.trim(),
    );
  }
  ok('attw', `${ws.name} (profile ${profile})`);
}

// Variables that the package manager running this script (`pnpm run`) injects; npm would read
// them as its own configuration (and warn about the unknown ones).
const injectedEnv =
  /^(npm_(config_user_agent|config_verify_deps_before_run|command|execpath|node_execpath|lifecycle_.*|package_.*)|pnpm_config_.*)$/i;

/** A registry that has nothing and records the packages it was asked for. */
async function startTripwireRegistry() {
  /** @type {string[]} */
  const requests = [];
  const server = createServer((req, res) => {
    requests.push(decodeURIComponent((req.url ?? '').slice(1)));
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/** @param {Workspace[]} workspaces @param {string} project */
async function install(workspaces, project) {
  const rootPkg = await readJson(path.join(root, 'package.json'));
  const localNames = new Set(workspaces.map((ws) => ws.name));
  const rootDev = rootPkg.devDependencies ?? {};
  // Tools the checks need, at the versions this repository is built and tested with.
  /** @type {Record<string, string>} */
  const tools = {
    typescript: rootDev.typescript ?? '^5.9.0',
    '@types/node': rootDev['@types/node'] ?? '^20',
  };
  // Peers of our packages (vitest for test-utils), at the version the package is tested with.
  for (const ws of workspaces) {
    for (const [peer, range] of Object.entries(ws.pkg.peerDependencies ?? {})) {
      if (localNames.has(peer) || tools[peer] !== undefined) continue;
      tools[peer] = ws.pkg.devDependencies?.[peer] ?? rootDev[peer] ?? range;
    }
  }

  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !injectedEnv.test(key)));
  await run('install', 'npm', ['init', '-y'], { cwd: project, env });
  const manifestPath = path.join(project, 'package.json');
  const manifest = await readJson(manifestPath);
  manifest.private = true;
  const allDependencies = {
    ...Object.fromEntries(workspaces.map((ws) => [ws.name, `file:${ws.tarball}`])),
    ...tools,
  };
  manifest.dependencies = { ...tools };
  // No "overrides": npm already dedupes a dependency between our packages (test-utils ->
  // @secbot/core@^0.1.0) onto the top-level tarball when the range allows it, and an override would
  // hide a range that the local version does not satisfy, which users would then hit.
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  // Our scopes point at a local registry that has nothing and records what it is asked: the
  // packages are not published, so any request for one of them is a failure (and a fast one).
  const tripwire = await startTripwireRegistry();
  const scopes = new Set(workspaces.map((ws) => ws.name.split('/')[0]).filter((s) => s.startsWith('@')));
  await writeFile(
    path.join(project, '.npmrc'),
    [...scopes].map((scope) => `${scope}:registry=${tripwire.url}\n`).join(''),
  );
  // Install the packages that depend on none of ours first, then everything: npm resolves the
  // dependencies in name order, and would otherwise reach @secbot/audit's range for @secbot/core
  // before it has seen the @secbot/core tarball, and ask a registry for it.
  const names = new Set(workspaces.map((ws) => ws.name));
  const roots = workspaces.filter(
    (ws) => !Object.keys(ws.pkg.dependencies ?? {}).some((dep) => names.has(dep)),
  );
  const npmInstall = [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
  ];
  let result;
  try {
    result = await run('install', 'npm', [...npmInstall, ...roots.map((ws) => `file:${ws.tarball}`)], {
      cwd: project,
      env,
      timeoutMs: 300_000,
      allowFailure: true,
    });
    if (result.code === 0) {
      const installed = await readJson(manifestPath);
      installed.dependencies = allDependencies;
      await writeFile(manifestPath, `${JSON.stringify(installed, null, 2)}\n`);
      result = await run('install', 'npm', npmInstall, {
        cwd: project,
        env,
        timeoutMs: 300_000,
        allowFailure: true,
      });
    }
  } finally {
    await tripwire.close();
  }
  const output = `${result.stdout}\n${result.stderr}`.trim();
  if (tripwire.requests.length > 0) {
    throw new CheckError(
      'install',
      `npm looked for ${[...new Set(tripwire.requests)].join(', ')} in a registry: a dependency between our packages ` +
        'is not satisfied by the local versions (check the ranges in the packed package.json files)',
      output,
    );
  }
  if (result.code !== 0) throw new CheckError('install', `npm install failed in ${project}`, output);

  // Every copy of our packages must be the top-level one, installed from our tarball.
  const lock = await readJson(path.join(project, 'package-lock.json'));
  for (const ws of workspaces) {
    const copies = Object.entries(lock.packages ?? {}).filter(([key]) =>
      key.endsWith(`node_modules/${ws.name}`),
    );
    const integrity = `sha512-${createHash('sha512')
      .update(await readFile(/** @type {string} */ (ws.tarball)))
      .digest('base64')}`;
    const wrong = copies.filter(
      ([key, entry]) =>
        key !== `node_modules/${ws.name}` ||
        !String(entry.resolved).startsWith('file:') ||
        entry.integrity !== integrity,
    );
    if (copies.length !== 1 || wrong.length > 0) {
      throw new CheckError(
        'install',
        `${ws.name} is not installed once, from its tarball`,
        JSON.stringify(Object.fromEntries(copies), null, 2),
      );
    }
  }
  const extras = Object.entries(tools).map(([name, range]) => `${name}@${range}`);
  ok('install', `${workspaces.length} tarballs (+ ${extras.join(', ')}); @secbot/* from the tarballs only`);
}

const esmProbe = `
const spec = process.env.CHECK_SPEC;
const m = await import(spec);
const names = Object.keys(m).filter((k) => k !== 'default' && k !== 'module.exports');
const d = m.default;
if (names.length === 0 && d != null && (typeof d === 'function' || Object.keys(d).length > 0)) names.push('default');
console.log(JSON.stringify({ names, resolved: import.meta.resolve(spec) }));
`;

const cjsProbe = `
const spec = process.env.CHECK_SPEC;
const m = require(spec);
const names = m == null ? [] : Object.keys(m);
if (names.length === 0 && typeof m === 'function') names.push('module.exports');
console.log(JSON.stringify({ names, resolved: require.resolve(spec) }));
`;

/** @param {Workspace} ws @param {string} project */
async function importAll(ws, project) {
  const installed = path.join(project, 'node_modules', ...ws.name.split('/'));
  for (const [subpath, target] of ws.subpaths) {
    const spec = subpath === '.' ? ws.name : `${ws.name}/${subpath.slice(2)}`;
    /** @type {('esm' | 'cjs')[]} */
    const flavours = hasRequireCondition(target) ? ['esm', 'cjs'] : ['esm'];
    for (const flavour of flavours) {
      const step = flavour === 'esm' ? 'esm import' : 'cjs require';
      const args = flavour === 'esm' ? ['--input-type=module', '-e', esmProbe] : ['-e', cjsProbe];
      const { stdout } = await run(step, process.execPath, args, {
        cwd: project,
        env: { ...process.env, CHECK_SPEC: spec },
      });
      const { names, resolved } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      if (!Array.isArray(names) || names.length === 0) {
        throw new CheckError(step, `${spec}: no exports`);
      }
      const file = flavour === 'esm' ? fileURLToPath(resolved) : resolved;
      const expected = resolveTarget(target, runtimeConditions[flavour]);
      if (expected === undefined || realpathSync(file) !== realpathSync(path.join(installed, expected))) {
        throw new CheckError(
          step,
          `${spec} resolved to ${path.relative(installed, file)}, but its exports map says ${expected}`,
        );
      }
      ok(step, `${spec} (${names.length} exports, ${expected})`);
    }
  }
}

const dualHazardProbe = `
import { createRequire } from 'node:module';
import path from 'node:path';
const require = createRequire(path.join(process.cwd(), 'probe.cjs'));
const esm = await import('@secbot/core');
const cjs = require('@secbot/core');
const problems = [];
if (esm.SecbotError === cjs.SecbotError) problems.push('ESM and CJS gave the same class: not two copies');
const fromCjs = new cjs.SecbotError('INTERNAL', 'x');
const fromEsm = new esm.SecbotError('INTERNAL', 'x');
if (!(fromCjs instanceof esm.SecbotError)) problems.push('CJS-made error is not instanceof the ESM SecbotError');
if (!(fromEsm instanceof cjs.SecbotError)) problems.push('ESM-made error is not instanceof the CJS SecbotError');
if (!esm.isSecbotError(fromCjs, 'INTERNAL')) problems.push('ESM isSecbotError rejects a CJS-made error');
if (!cjs.isSecbotError(fromEsm, 'INTERNAL')) problems.push('CJS isSecbotError rejects an ESM-made error');
if (new Error('x') instanceof esm.SecbotError) problems.push('a plain Error is instanceof SecbotError');
if (fromCjs.code !== 'INTERNAL' || fromCjs.status !== 500) problems.push('CJS-made error lost code/status');
if (problems.length > 0) { console.error(problems.join('\\n')); process.exit(1); }
`;

/** @param {string} project */
async function checkDualHazard(project) {
  await run('dual-package', process.execPath, ['--input-type=module', '-e', dualHazardProbe], {
    cwd: project,
  });
  ok('dual-package', '@secbot/core SecbotError instanceof works across its ESM and CJS copies');
}

// verifyAuditLog's worker threads load a script beside the bundle (dist/verify-worker.js or .cjs):
// prove both builds find and run it from an installed package.
const auditWorkerProbe = (flavour) => `
const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
(async () => {
  const audit = ${flavour === 'esm' ? "await import('@secbot/audit')" : "require('@secbot/audit')"};
  const path = join(mkdtempSync(join(tmpdir(), 'probe-')), 'audit.jsonl');
  const key = 'k'.repeat(32);
  const log = audit.createAuditLog({ sink: audit.fileSink({ path }), key });
  for (let i = 0; i < 50; i++) await log.record({ actor: { id: 'u' + i }, action: 'probe', outcome: 'success' });
  await log.close();
  const report = await audit.verifyAuditLog({ path, key, workers: 2, chunkBytes: 1024 });
  if (!report.ok || report.count !== 50) { console.error(JSON.stringify(report)); process.exit(1); }
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** @param {string} project */
async function checkAuditWorkers(project) {
  for (const flavour of /** @type {const} */ (['esm', 'cjs'])) {
    await run('audit workers', process.execPath, ['-e', auditWorkerProbe(flavour)], { cwd: project });
    ok('audit workers', `verifyAuditLog with worker threads from the installed ${flavour} build`);
  }
}

// Typed usages of @secbot/core; each `@ts-expect-error` fails the check if the line is not an error.
const esmConsumer = `import { createEventBus, createMemoryStore, SecbotError, type SecbotErrorCode } from '@secbot/core';
import { createRequestInfo, type RequestInfo } from '@secbot/core/node';

const store = createMemoryStore({ maxKeys: 100 });
export const written: Promise<boolean> = store.set('session:1', 'v', { ttlMs: 60_000 });
export const read: Promise<string | undefined> = store.get('session:1');

const bus = createEventBus();
export const off: () => void = bus.on('auth.failure', (event) => {
  const code: SecbotErrorCode = event.code;
  const at: number = event.ts;
  console.log(code, at, event.username?.toUpperCase());
});
// @ts-expect-error not a security event name
bus.emit('no.such.event', {});
// @ts-expect-error an auth.failure payload needs provider, method and code
bus.emit('auth.failure', { username: 'ana' });

export const error = new SecbotError('RBAC_DENIED', 'role "guest" may not transcripts:export');
export const status: number = error.status;
// @ts-expect-error not a SecbotErrorCode
export const bad = new SecbotError('NOT_A_CODE', 'x');

const info: RequestInfo = createRequestInfo({ trustProxy: ['loopback'] })({ headers: {} });
export const requestId: string = info.requestId;
`;

const cjsConsumer = `import core = require('@secbot/core');
import coreNode = require('@secbot/core/node');

const store: core.Store = core.createMemoryStore({ maxKeys: 100 });
export const count: Promise<core.WindowCount> = store.increment('login:ana', { windowMs: 60_000 });

const bus: core.SecurityEventBus = core.createEventBus();
bus.emit('auth.lockout', { scope: 'user', key: 'ana', failures: 5, retryAfterSec: 60 });
// @ts-expect-error not a security event name
bus.emit('no.such.event', {});

export const error = new core.SecbotError('AUTH_LOCKED_OUT', 'user locked out', { retryAfterSec: 60 });
export const locked: boolean = core.isSecbotError(error, 'AUTH_LOCKED_OUT');
// @ts-expect-error not a SecbotErrorCode
core.isSecbotError(error, 'NOT_A_CODE');

const info: coreNode.RequestInfo = coreNode.createRequestInfo()({ headers: { 'user-agent': 'x' } });
export const agent: string | undefined = info.userAgent;
`;

/**
 * @param {Workspace[]} workspaces
 * @param {string} project
 * @param {'esm' | 'cjs'} flavour
 */
async function typecheck(workspaces, project, flavour) {
  const dir = path.join(project, `consumer-${flavour}`);
  await mkdir(dir);
  const file = flavour === 'esm' ? 'index.ts' : 'index.cts';
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ type: flavour === 'esm' ? 'module' : 'commonjs', private: true })}\n`,
  );
  const compilerOptions = {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2023'],
    types: ['node'],
    strict: true,
    noEmit: true,
    skipLibCheck: false,
  };
  await writeFile(path.join(dir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: [file] })}\n`);

  // Besides the typed usages, load every entry point of every package that this flavour can
  // import, so each one's declarations are checked; and note which declaration file it must use.
  /** @type {string[]} */
  const entries = [];
  /** @type {string[]} */
  const expected = [];
  /** @type {string[]} */
  const forbidden = [];
  const other = flavour === 'esm' ? 'cjs' : 'esm';
  for (const ws of workspaces) {
    const installed = path.join(project, 'node_modules', ...ws.name.split('/'));
    for (const [subpath, target] of ws.subpaths) {
      if (flavour === 'cjs' && !hasRequireCondition(target)) continue;
      const spec = subpath === '.' ? ws.name : `${ws.name}/${subpath.slice(2)}`;
      const id = `entry${entries.length}`;
      entries.push(
        flavour === 'esm'
          ? `export * as ${id} from '${spec}';`
          : `import ${id} = require('${spec}');\nexport const ${id}Loaded: unknown = ${id};`,
      );
      const mine = typesTarget(target, flavour);
      const theirs = typesTarget(target, other);
      if (mine === undefined) throw new CheckError(`types ${flavour}`, `${spec}: no declarations`);
      expected.push(path.join(installed, mine));
      if (theirs !== undefined && theirs !== mine) forbidden.push(path.join(installed, theirs));
    }
  }
  const usages = workspaces.some((ws) => ws.name === '@secbot/core')
    ? flavour === 'esm'
      ? esmConsumer
      : cjsConsumer
    : '';
  await writeFile(path.join(dir, file), `${usages}\n${entries.join('\n')}\n`);

  const tsc = path.join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  const step = `types ${flavour}`;
  const result = await run(step, process.execPath, [tsc, '-p', dir, '--listFiles', '--pretty', 'false'], {
    cwd: dir,
    allowFailure: true,
  });
  // --listFiles prints the program's files and the diagnostics to stdout: tell them apart.
  const lines = result.stdout.split('\n').filter((line) => line.trim() !== '');
  const isFile = (/** @type {string} */ line) => path.isAbsolute(line.trim()) && existsSync(line.trim());
  if (result.code !== 0) {
    const diagnostics = lines.filter((line) => !isFile(line)).join('\n');
    throw new CheckError(
      step,
      `the ${flavour.toUpperCase()} consumer does not type-check (${path.join(dir, file)})`,
      `${diagnostics}\n${result.stderr}`.trim(),
    );
  }
  const loaded = new Set(lines.filter(isFile).map((line) => path.resolve(line.trim())));
  const real = (/** @type {string} */ p) => (existsSync(p) ? realpathSync(p) : p);
  const loadedReal = new Set([...loaded].map(real));
  const notLoaded = expected.filter((p) => !loadedReal.has(real(p)));
  const wrongFlavour = forbidden.filter((p) => loadedReal.has(real(p)));
  if (notLoaded.length > 0 || wrongFlavour.length > 0) {
    const rel = (/** @type {string} */ p) => path.relative(path.join(project, 'node_modules'), p);
    throw new CheckError(
      step,
      `the ${flavour.toUpperCase()} consumer used the wrong declarations`,
      [
        ...notLoaded.map((p) => `  not loaded: ${rel(p)}`),
        ...wrongFlavour.map((p) => `  loaded the other flavour's: ${rel(p)}`),
      ].join('\n'),
    );
  }
  const mode = flavour === 'esm' ? '"type": "module", .ts' : '.cts, import = require()';
  ok(step, `consumer (nodenext, ${mode}, strict, skipLibCheck off): ${entries.length} entry points`);
}

// ---------------------------------------------------------------------------------------------

/** @type {string | undefined} */
let tmp;

function cleanup() {
  if (tmp === undefined) return;
  if (keepTmp) console.log(`kept temp dir ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
}

process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

async function main() {
  const workspaces = await discover();
  for (const ws of workspaces) checkBuilt(ws);

  tmp = await mkdtemp(path.join(os.tmpdir(), 'secbot-check-packages-'));
  const tarballs = path.join(tmp, 'tarballs');
  const project = path.join(tmp, 'project');
  await mkdir(tarballs);
  await mkdir(project);

  for (const ws of workspaces) await pack(ws, tarballs);
  for (const ws of workspaces) {
    await lintPublint(ws);
    await lintAttw(ws);
  }

  await install(workspaces, project);
  for (const ws of workspaces) await importAll(ws, project);
  if (workspaces.some((ws) => ws.name === '@secbot/core' && ws.dual)) await checkDualHazard(project);
  if (workspaces.some((ws) => ws.name === '@secbot/audit')) await checkAuditWorkers(project);

  await typecheck(workspaces, project, 'esm');
  if (workspaces.some((ws) => ws.subpaths.some(([, target]) => hasRequireCondition(target)))) {
    await typecheck(workspaces, project, 'cjs');
  }
}

try {
  await main();
  console.log(`ok all package checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  process.exitCode = 1;
  if (error instanceof CheckError) {
    console.error(`FAIL ${error.step}: ${error.message}`);
    if (error.details) console.error(error.details);
    if (!keepTmp && tmp !== undefined)
      console.error('(rerun with KEEP_TMP=1 to keep the temporary files for inspection)');
  } else {
    console.error('FAIL: unexpected error');
    console.error(error);
  }
} finally {
  cleanup();
}
