import { FieldReader } from '../bytes/field-reader.js';
import { hex8 } from '../bytes/hex.js';
import type { DataSource, Field, Problem } from '../dissect/field.js';
import { ProblemsOnly, TreeBuilder, type TreeSink } from '../dissect/tree-builder.js';
import { emptyClientHello, readSslv2ClientHello } from './client-hello.js';
import { looksLikeTls13Certificate } from './certificate.js';
import { readHandshakeMessage } from './handshake.js';
import type { ClientHello, HandshakeMessage, ServerHello } from './model.js';
import { isRecordHeader, readDtlsRecordLayer, readTlsRecordLayer, type RecordRef } from './records.js';

/** How the input bytes are framed. */
export type TlsFraming = 'tls' | 'dtls' | 'handshake' | 'sslv2';

/** The input is not TLS at all; `found` describes what it starts with instead. */
export class NotTlsError extends Error {
  override readonly name = 'NotTlsError';
  readonly offset = 0;
  constructor(readonly found: string) {
    super(`not TLS: expected a TLS or DTLS handshake record (16 03 xx / 16 fe xx), an SSLv2 ClientHello or a bare ClientHello/ServerHello; found ${found} at offset 0`);
  }
}

export interface TlsParseOptions {
  /** Build the field tree (default true). Fingerprint-only callers pass false: the fast path. */
  tree?: boolean;
  /** Id and label of the input's data source (default `input`). */
  source?: string;
  label?: string;
  /** Skip detection. */
  framing?: TlsFraming;
}

export interface TlsParse {
  framing: TlsFraming;
  sources: DataSource[];
  /** Top-level fields (records, or messages for bare input); empty when `tree` was false. */
  fields: Field[];
  problems: Problem[];
  records: RecordRef[];
  messages: HandshakeMessage[];
  clientHello?: ClientHello;
  serverHello?: ServerHello;
}

/** What the first bytes say the framing is, or undefined when it is not TLS. */
export function detectTlsFraming(b: Uint8Array): TlsFraming | undefined {
  if (b.length < 2) return undefined;
  if (isRecordHeader(b, 0, false) && b[0] === 22) return 'tls';
  if (isRecordHeader(b, 0, true) && b[0] === 22) return 'dtls';
  if (isRecordHeader(b, 0, false)) return 'tls';
  if (isRecordHeader(b, 0, true)) return 'dtls';
  // SSLv2 record: 2-byte header with the top bit set, then msg type 1 and version 0x0002 or 0x03xx.
  if ((b[0]! & 0x80) !== 0 && b[2] === 1 && (b[3] === 3 || (b[3] === 0 && b[4] === 2))) return 'sslv2';
  // Bare handshake message: ClientHello/ServerHello/Certificate... type with a 3-byte length and a 03xx or fexx version.
  if ((b[0] === 1 || b[0] === 2) && b.length >= 6 && (b[4] === 3 || b[4] === 0xfe)) return 'handshake';
  if (b[0] === 11 || b[0] === 8 || b[0] === 4 || b[0] === 15 || b[0] === 20) {
    const len = (b[1]! << 16) | (b[2]! << 8) | b[3]!;
    if (len + 4 <= b.length) return 'handshake';
  }
  return undefined;
}

/** `47 45 54 20 2f 20 48 54 ("GET / HT")`: what a non-TLS input starts with. */
export function describeStart(b: Uint8Array, n = 8): string {
  if (b.length === 0) return 'an empty input';
  const head = b.subarray(0, n);
  const hex = Array.from(head, hex8).join(' ');
  const ascii = Array.from(head, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
  return `${hex} (${JSON.stringify(ascii)})`;
}

/**
 * Dissects TLS bytes: records (TLS or DTLS), a bare handshake message sequence, or an SSLv2
 * ClientHello. Throws only NotTlsError, when the input is not TLS at all; anything malformed
 * after that is a problem in the result, with a partial tree.
 */
export function parseTls(bytes: Uint8Array, opts: TlsParseOptions = {}): TlsParse {
  const framing = opts.framing ?? detectTlsFraming(bytes);
  if (!framing) throw new NotTlsError(describeStart(bytes));
  const source = opts.source ?? 'input';
  const builder = opts.tree === false ? undefined : new TreeBuilder();
  const sink: TreeSink = builder ?? new ProblemsOnly();
  const sources: DataSource[] = [{ id: source, label: opts.label ?? 'Input', bytes }];
  let records: RecordRef[] = [];
  let messages: HandshakeMessage[] = [];
  if (framing === 'tls' || framing === 'dtls') {
    const res = (framing === 'tls' ? readTlsRecordLayer : readDtlsRecordLayer)(bytes, source, sink, sources);
    records = res.records;
    messages = res.messages;
  } else if (framing === 'sslv2') {
    const hello = emptyClientHello(source, 0, bytes.length);
    const r = new FieldReader(bytes, source, 0, bytes.length, sink);
    try {
      readSslv2ClientHello(r, hello);
    } catch {
      hello.truncated = true;
      sink.unwindTo(0, bytes.length);
      sink.problem({ severity: 'error', code: 'truncated', message: `SSLv2 ClientHello cut off at offset ${r.pos}`, source, offset: r.pos });
    }
    messages = [hello];
  } else {
    const r = new FieldReader(bytes, source, 0, bytes.length, sink);
    let tls13 = false;
    while (r.left > 0) {
      const at = r.pos;
      const cert = bytes[at] === 11 && looksLikeTls13Certificate(bytes, at + 4, Math.min(bytes.length, at + 4 + ((bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!)) - at - 4);
      const m = readHandshakeMessage(r, { dtls: false, tls13Certificate: tls13 || cert });
      if (m.kind === 'server_hello' && !m.helloRetryRequest) tls13 = m.supportedVersions?.[0] === 0x0304;
      messages.push(m);
      if (r.pos === at) break;
    }
  }
  return {
    framing, sources, fields: builder?.roots ?? [], problems: sink.problems, records, messages,
    clientHello: messages.find((m): m is ClientHello => m.kind === 'client_hello'),
    serverHello: messages.find((m): m is ServerHello => m.kind === 'server_hello'),
  };
}
