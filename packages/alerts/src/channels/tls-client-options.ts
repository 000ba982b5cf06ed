import type { ConnectionOptions } from 'node:tls';
import { z } from 'zod';

/** PEM text or bytes, or a list of them. */
export type PemInput = string | Uint8Array | readonly (string | Uint8Array)[];

/**
 * TLS client options of the email and syslog channels. The server certificate is always verified
 * (there is no option to turn that off); trust a private CA with `ca`.
 */
export interface TlsClientOptions {
  /** CA certificates to trust instead of Node's bundled roots, PEM. */
  readonly ca?: PemInput;
  /** A client certificate for mutual TLS, PEM; give `key` with it. */
  readonly cert?: PemInput;
  /** The client certificate's private key, PEM (never logged). */
  readonly key?: PemInput;
  /** The name to verify in the server certificate (and to send as SNI) when it is not the host. */
  readonly servername?: string;
  /** Lowest TLS version accepted. Default `TLSv1.2`. */
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

const pem = z.union([
  z.string().min(1),
  z.instanceof(Uint8Array),
  z.array(z.union([z.string().min(1), z.instanceof(Uint8Array)])).min(1),
]);

/** The zod schema of {@link TlsClientOptions}: unknown keys (`rejectUnauthorized`) are refused. */
export const tlsClientOptionsSchema = z
  .strictObject({
    ca: pem.optional(),
    cert: pem.optional(),
    key: pem.optional(),
    servername: z.string().min(1).max(253).optional(),
    minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  })
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), {
    message: 'cert and key go together',
    path: ['cert'],
  });

/** Node `tls.connect` options for validated {@link TlsClientOptions}: verification on, TLS 1.2 or later. */
export function tlsConnectionOptions(tls: z.output<typeof tlsClientOptionsSchema>): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    minVersion: tls.minVersion,
    ...(tls.ca === undefined ? {} : { ca: buffers(tls.ca) }),
    ...(tls.cert === undefined ? {} : { cert: buffers(tls.cert) }),
    ...(tls.key === undefined ? {} : { key: buffers(tls.key) }),
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  };
}

function buffers(input: string | Uint8Array | (string | Uint8Array)[]): (string | Buffer)[] {
  return (Array.isArray(input) ? input : [input]).map((item) =>
    typeof item === 'string' ? item : Buffer.from(item),
  );
}
