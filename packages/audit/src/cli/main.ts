#!/usr/bin/env node
/**
 * The `secbot-audit` command: `verify` and `query` over an audit log written by `createAuditLog`.
 *
 * @module
 */
import { runCli } from './run-cli.js';

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
