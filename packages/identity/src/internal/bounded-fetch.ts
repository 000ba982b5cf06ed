// Outbound fetches of key material and metadata: GET only, no redirects followed (a redirect
// is not 200 and fails), a deadline, and a cap on the body so a hostile or broken endpoint cannot
// make us buffer an unbounded response.

/** Largest discovery document or JWK Set read, in bytes. */
export const maxMetadataBytes = 512 * 1024;

/** The fetch options jose's remote JWK Set passes to a custom fetch. */
export interface BoundedFetchInit {
  readonly headers?: Headers;
  readonly signal: AbortSignal;
}

/**
 * GET `url` without following redirects and read at most `maxBytes` of the body. A non-200
 * response is returned with no body (callers treat it as a failure).
 *
 * @throws Error when the body is longer than `maxBytes`, the network fails or the signal aborts.
 */
export async function boundedFetch(
  url: string,
  init: BoundedFetchInit,
  maxBytes = maxMetadataBytes,
): Promise<Response> {
  const get = () =>
    fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal: init.signal,
      ...(init.headers === undefined ? {} : { headers: init.headers }),
    });
  // A GET is idempotent: retry once when the connection failed (a pooled keep-alive socket the
  // server closed, e.g. after a restart), but never after the deadline.
  const response = await get().catch((error: unknown) => {
    if (init.signal.aborted) throw error;
    return get();
  });
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    return new Response(null, { status: response.status === 200 ? 502 : response.status });
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw new Error(`response larger than ${maxBytes} bytes`);
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new Response(Buffer.concat(chunks), { status: 200, headers: response.headers });
}
