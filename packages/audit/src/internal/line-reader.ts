import { open } from 'node:fs/promises';

/** One raw line read from a file: its UTF-8 text (without the newline) and its 1-based number. */
export interface RawLine {
  readonly text: string;
  readonly lineNumber: number;
  /** Set when the line was longer than the cap: `text` is empty and the line was skipped. */
  readonly oversized: boolean;
  /** Set on a final line without a newline (a torn write, or a line being written right now). */
  readonly unterminated: boolean;
}

/**
 * Stream the lines of a file with bounded memory: the file is read in `chunkSize` pieces and no
 * line longer than `maxLineBytes` is ever held (it is reported as oversized and skipped up to its
 * newline), so one hostile multi-gigabyte line costs no more memory than a normal one.
 *
 * @param path - File to read.
 * @param maxLineBytes - Longest line kept.
 * @param chunkSize - Read size.
 */
export async function* readLines(
  path: string,
  maxLineBytes: number,
  chunkSize = 256 * 1024,
): AsyncGenerator<RawLine> {
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkSize);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let skipping = false;
    let lineNumber = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunkSize, null);
      if (bytesRead === 0) break;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        const end = nl === -1 || nl >= bytesRead ? bytesRead : nl;
        const piece = end - start;
        if (!skipping && pendingBytes + piece > maxLineBytes) {
          skipping = true;
          pending = [];
          pendingBytes = 0;
        }
        if (end === bytesRead) {
          // The line goes on in the next chunk: keep a copy (the chunk buffer is reused).
          if (!skipping && piece > 0) {
            pending.push(Buffer.from(chunk.subarray(start, end)));
            pendingBytes += piece;
          }
          break;
        }
        lineNumber += 1;
        if (skipping) yield { text: '', lineNumber, oversized: true, unterminated: false };
        else if (pendingBytes === 0)
          yield {
            text: chunk.toString('utf8', start, end),
            lineNumber,
            oversized: false,
            unterminated: false,
          };
        else {
          pending.push(chunk.subarray(start, end));
          const text = Buffer.concat(pending, pendingBytes + piece).toString('utf8');
          yield { text, lineNumber, oversized: false, unterminated: false };
        }
        pending = [];
        pendingBytes = 0;
        skipping = false;
        start = end + 1;
      }
    }
    if (skipping || pendingBytes > 0) {
      lineNumber += 1;
      yield {
        text: skipping ? '' : Buffer.concat(pending, pendingBytes).toString('utf8'),
        lineNumber,
        oversized: skipping,
        unterminated: true,
      };
    }
  } finally {
    await handle.close();
  }
}
