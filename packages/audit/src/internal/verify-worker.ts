// A worker thread of `verifyAuditLog`: checks chunks of whole lines apart from the chain before
// them (the main thread links the chunks). Messages: one `init`, then `chunk`s, answered in order.
import type { KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { compileVerifyingKeys } from '../audit-checkpoint.js';
import type { AuditCheckpoint } from '../audit-line.js';
import { compileMacKeys } from './mac-keys.js';
import { type ChainState, type VerifyContext, verifyLines } from './verify-lines.js';
import { type ChunkReply, type ChunkRequest, type PoolInit, toReply } from './verify-messages.js';

let context: VerifyContext | undefined;
let scratch = Buffer.allocUnsafe(1024 * 1024);

parentPort?.on('message', (message: PoolInit | ChunkRequest) => {
  if (message.type === 'init') {
    const publicKeys =
      message.publicKeys === undefined
        ? undefined
        : (compileVerifyingKeys(message.publicKeys) as Map<string, KeyObject>);
    context = {
      macs: compileMacKeys(message.keys, 'verifyAuditLog').byKid,
      publicKeys,
      anchors: new Map(message.anchors.map((anchor: AuditCheckpoint) => [anchor.size, anchor])),
    };
    return;
  }
  const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
  if (scratch.length < data.length) scratch = Buffer.allocUnsafe(data.length);
  const state: ChainState = { count: 0, head: '', checkpoints: 0, lineNo: 0, linked: false };
  let reply: ChunkReply;
  try {
    verifyLines(data, 0, data.length, scratch, context as VerifyContext, state, message.file);
    reply = toReply(message.id, state, undefined);
  } catch (error) {
    reply = toReply(message.id, state, error);
  }
  parentPort?.postMessage(reply);
});
