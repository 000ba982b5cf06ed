// Independent parsers for what the syslog channel writes: RFC 5424 messages, CEF events and
// octet-counted streams, so tests check structure by reading it back the way a receiver would.

export interface ParsedSyslog {
  pri: number;
  version: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: { id: string; params: [string, string][] }[];
  /** MSG without the BOM; `bom` says whether there was one. */
  msg: string | undefined;
  bom: boolean;
}

export function parseSyslog(text: string): ParsedSyslog {
  const head = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (head === null) throw new Error(`not RFC 5424: ${text.slice(0, 80)}`);
  let i = head[0].length;
  const sd: ParsedSyslog['sd'] = [];
  if (text[i] === '-') i++;
  else {
    while (text[i] === '[') {
      i++;
      const id = /^[^ \]]+/.exec(text.slice(i))?.[0] ?? '';
      i += id.length;
      const params: [string, string][] = [];
      while (text[i] === ' ') {
        i++;
        const name = /^[^=]+/.exec(text.slice(i))?.[0] ?? '';
        i += name.length;
        if (text.slice(i, i + 2) !== '="') throw new Error(`bad SD-PARAM at ${i}`);
        i += 2;
        let value = '';
        while (text[i] !== '"') {
          if (i >= text.length) throw new Error('unterminated PARAM-VALUE');
          if (text[i] === '\\' && ['"', '\\', ']'].includes(text[i + 1] ?? '')) i++;
          else if (text[i] === ']') throw new Error(`unescaped ] at ${i}`);
          value += text[i];
          i++;
        }
        i++;
        params.push([name, value]);
      }
      if (text[i] !== ']') throw new Error(`bad SD-ELEMENT end at ${i}`);
      i++;
      sd.push({ id, params });
    }
  }
  let msg: string | undefined;
  let bom = false;
  if (i < text.length) {
    if (text[i] !== ' ') throw new Error(`expected SP before MSG at ${i}`);
    msg = text.slice(i + 1);
    if (msg.startsWith('\uFEFF')) {
      bom = true;
      msg = msg.slice(1);
    }
  }
  const [, pri, version, timestamp, hostname, appName, procId, msgId] = head as unknown as string[];
  return {
    pri: Number(pri),
    version: version ?? '',
    timestamp: timestamp ?? '',
    hostname: hostname ?? '',
    appName: appName ?? '',
    procId: procId ?? '',
    msgId: msgId ?? '',
    sd,
    msg,
    bom,
  };
}

export interface ParsedCef {
  header: string[];
  extension: [string, string][];
}

export function parseCef(text: string): ParsedCef {
  if (!text.startsWith('CEF:')) throw new Error(`not CEF: ${text.slice(0, 40)}`);
  const header: string[] = [];
  let field = '';
  let i = 4;
  while (header.length < 7) {
    const c = text[i];
    if (c === undefined) throw new Error('CEF header too short');
    if (c === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      field += text[i + 1];
      i += 2;
    } else if (c === '|') {
      header.push(field);
      field = '';
      i++;
    } else {
      field += c;
      i++;
    }
  }
  const extension: [string, string][] = [];
  const rest = text.slice(i);
  const pair = /(?:^| )([A-Za-z0-9]+)=((?:\\.|[^\\=])*?)(?= [A-Za-z0-9]+=|$)/gs;
  let consumed = 0;
  for (const match of rest.matchAll(pair)) {
    if (match.index !== consumed) throw new Error(`CEF extension gap at ${consumed}`);
    consumed = match.index + match[0].length;
    const value = (match[2] ?? '').replace(/\\(.)/gs, (_, c: string) =>
      c === 'n' ? '\n' : c === 'r' ? '\r' : c,
    );
    extension.push([match[1] ?? '', value]);
  }
  if (consumed !== rest.length) throw new Error(`CEF extension not fully read at ${consumed}`);
  return { header, extension };
}

/** Split an octet-counted stream (`LEN SP MSG`...) into messages; throws on a malformed frame. */
export function octetFrames(stream: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let at = 0;
  for (;;) {
    const space = stream.indexOf(0x20, at);
    if (space === -1) break;
    const len = stream.subarray(at, space).toString('ascii');
    if (!/^[1-9]\d{0,6}$/.test(len)) throw new Error(`bad MSG-LEN ${JSON.stringify(len)}`);
    const end = space + 1 + Number(len);
    if (end > stream.length) break;
    frames.push(stream.subarray(space + 1, end));
    at = end;
  }
  return { frames, rest: stream.subarray(at) };
}
