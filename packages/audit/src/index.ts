/**
 * A durable, tamper-evident audit trail: group-committed, fsynced JSONL lines in a hash chain with
 * MACs under rotating keys, Ed25519-signed checkpoints exportable to an outside anchor, crash
 * recovery, redaction before anything is written, a streaming verifier and a query API.
 *
 * @module @secbot/audit
 */
export { checkpointKeyId, type Ed25519KeyInput, verifyAuditCheckpoint } from './audit-checkpoint.js';
export {
  type AuditEvent,
  type AuditEventInput,
  type AuditJsonValue,
  type AuditOutcome,
  auditEventLimits,
  parseAuditEvent,
} from './audit-event.js';
export {
  type AuditCheckpoint,
  type AuditLine,
  auditGenesis,
  checkpointStatementPrefix,
  parseAuditLine,
} from './audit-line.js';
export { type AuditLog, type AuditLogOptions, type AuditReceipt, createAuditLog } from './audit-log.js';
export { type FileSinkOptions, fileSink } from './file-sink.js';
export { type MemorySink, memorySink } from './memory-sink.js';
export {
  type AuditQuery,
  type AuditQueryFilter,
  type AuditQueryMatch,
  type AuditQueryOptions,
  type AuditQueryStats,
  type MalformedLine,
  queryAuditLog,
} from './query.js';
export {
  createRedactor,
  defaultRedactKeys,
  defaultRedactPatternNames,
  type Redactor,
  type RedactorOptions,
  redactMarkers,
} from './redact.js';
export { auditEventFromSecurityEvent } from './security-event-mapping.js';
export { type StdoutSinkOptions, stdoutSink } from './stdout-sink.js';
export {
  type AuditVerifyFailure,
  type AuditVerifyReport,
  type VerifyAuditLogOptions,
  verifyAuditLog,
} from './verify-audit-log.js';
