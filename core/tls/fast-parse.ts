// A fast reader for the common case of the capture engine: a run of well-formed TLS handshake
// records. It builds the same message models as parseTls(bytes, { tree: false }) without the
// FieldReader machinery (a reader object per vector, a closure per extension), and gives up,
// returning undefined, on anything parseTls would report as an error or that it does not handle
// itself (HelloRetryRequest, a cleartext hello after ChangeCipherSpec, cut records, odd lengths,
// EncryptedExtensions in clear...). The caller then runs parseTls. Extensions that only need
// checking, not decoding, go through parseTls's own decoders. test/core/tls/fast-parse.test.ts
// compares both on every recorded stream and on mutated ones.
import { decodeLatin1, decodeUtf8, FieldReader, OutOfBytes } from '../bytes/field-reader.js';
import { ProblemsOnly } from '../dissect/tree-builder.js';
import { looksLikeTls13Certificate } from './certificate.js';
import { emptyClientHello } from './client-hello.js';
import type { ExtensionContext } from './extensions/context.js';
import { EXTENSION_DECODERS } from './extensions/index.js';
import { isGrease } from './grease.js';
import type { CertificateMessage, ClientHello, DecodedExtensions, ExtensionRef, HandshakeMessage, MessageKind, OtherMessage, ServerHello } from './model.js';
import { emptyServerHello } from './server-hello.js';

/** Thrown inside this module only: the input needs parseTls. */
class NotFast extends Error {}
const NOT_FAST = new NotFast();

/** SHA-256("HelloRetryRequest") as bytes. */
const HRR = [0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c];

/** Extensions whose decoder only reads and checks (no model member), handled here when trivially valid. */
const EMPTY_OK = new Set([22, 23, 49, 0x3374, 0x754f]);

/**
 * The handshake messages of `bytes` (TLS records, framing 'tls') as parseTls would give them
 * with `tree: false` and no error problem, or undefined when parseTls has to read them.
 */
export function parseTlsRecordsFast(bytes: Uint8Array, source: string): HandshakeMessage[] | undefined {
  try {
    return readRecords(bytes, source);
  } catch (e) {
    if (e === NOT_FAST || e instanceof OutOfBytes) return undefined;
    throw e;
  }
}

function readRecords(b: Uint8Array, source: string): HandshakeMessage[] {
  const end = b.length;
  // Pass 1: the records (all whole), and the handshake fragments before the first ChangeCipherSpec.
  let fragStarts: number[] | undefined, fragEnds: number[] | undefined, fragVersions: number[] | undefined;
  let firstStart = -1, firstEnd = -1, firstVersion = 0, frags = 0;
  let ccs = false;
  for (let pos = 0; pos < end;) {
    if (end - pos < 5) throw NOT_FAST;
    const type = b[pos]!;
    if (type < 20 || type > 26 || b[pos + 1] !== 3) throw NOT_FAST;
    const len = (b[pos + 3]! << 8) | b[pos + 4]!;
    const fs = pos + 5, fe = fs + len;
    if (fe > end) throw NOT_FAST;
    if (type === 20) ccs = true;
    else if (type === 22) {
      if (ccs) {
        // parseTls dissects a cleartext ClientHello/ServerHello after CCS (TLS 1.3 compatibility mode).
        if (fe - fs >= 6 && (b[fs] === 1 || b[fs] === 2)) throw NOT_FAST;
      } else if (len > 0) {
        if (frags === 0) { firstStart = fs; firstEnd = fe; firstVersion = (b[pos + 1]! << 8) | b[pos + 2]!; } else {
          if (frags === 1) { fragStarts = [firstStart]; fragEnds = [firstEnd]; fragVersions = [firstVersion]; }
          fragStarts!.push(fs); fragEnds!.push(fe); fragVersions!.push((b[pos + 1]! << 8) | b[pos + 2]!);
        }
        frags++;
      } else throw NOT_FAST; // an empty handshake record is unusual enough for parseTls
    }
    pos = fe;
  }
  const messages: HandshakeMessage[] = [];
  if (frags === 0) return messages;
  const state: ReadState = { tls13: false, reassembled: 0, sink: undefined };
  if (frags === 1) {
    // Every message lies in the one record: read in place.
    for (let at = firstStart; at < firstEnd;) at = readMessage(b, source, at, firstEnd, firstVersion, messages, state);
    return messages;
  }
  // Several records: a message within one record is read in place, one across records from a copy.
  const starts = fragStarts!, ends = fragEnds!, versions = fragVersions!;
  let total = 0;
  for (let i = 0; i < frags; i++) total += ends[i]! - starts[i]!;
  let rec = 0, at = starts[0]!;
  let streamAt = 0;
  while (streamAt < total) {
    if (at === ends[rec]) { rec++; at = starts[rec]!; }
    const left = ends[rec]! - at;
    if (left >= 4) {
      const len = (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
      if (4 + len <= left) {
        const next = readMessage(b, source, at, at + 4 + len, versions[rec]!, messages, state);
        streamAt += next - at;
        at = next;
        continue;
      }
    }
    // Across records: copy the header first to learn the length, then the whole message.
    const header = copyOut(b, starts, ends, rec, at, 4);
    if (!header) throw NOT_FAST;
    const len = (header[1]! << 16) | (header[2]! << 8) | header[3]!;
    const whole = copyOut(b, starts, ends, rec, at, 4 + len);
    if (!whole) throw NOT_FAST;
    const id = `${source}:tls-reassembled-${++state.reassembled}`;
    readMessage(whole, id, 0, whole.length, versions[rec]!, messages, state);
    // Advance over the copied bytes.
    let n = 4 + len;
    while (n > 0) {
      const here = Math.min(n, ends[rec]! - at);
      n -= here;
      at += here;
      streamAt += here;
      if (n > 0) { rec++; at = starts[rec]!; }
    }
  }
  return messages;
}

/** `n` bytes of the handshake stream from record `rec` at `at`, or undefined when the stream ends first. */
function copyOut(b: Uint8Array, starts: number[], ends: number[], rec: number, at: number, n: number): Uint8Array | undefined {
  const out = new Uint8Array(n);
  let o = 0;
  while (o < n) {
    if (rec >= starts.length) return undefined;
    const here = Math.min(n - o, ends[rec]! - at);
    out.set(b.subarray(at, at + here), o);
    o += here;
    rec++;
    at = starts[rec] ?? 0;
  }
  return out;
}

interface ReadState { tls13: boolean; reassembled: number; sink: ProblemsOnly | undefined }

/** Reads the message at `at`, which must end by `limit`; appends it and returns where it ends. */
function readMessage(b: Uint8Array, source: string, at: number, limit: number, recordVersion: number, out: HandshakeMessage[], st: ReadState): number {
  if (limit - at < 4) throw NOT_FAST;
  const type = b[at]!;
  const len = (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  const end = at + 4 + len;
  if (end > limit) throw NOT_FAST;
  const total = 4 + len;
  const body = at + 4;
  if (type === 1) {
    const m = emptyClientHello(source, at, total);
    m.recordVersion = recordVersion;
    readClientHello(b, source, body, end, m, st);
    out.push(m);
  } else if (type === 2) {
    const m = emptyServerHello(source, at, total);
    m.recordVersion = recordVersion;
    readServerHello(b, source, body, end, m, st);
    if (m.supportedVersions?.[0] === 0x0304) st.tls13 = true;
    else st.tls13 = false;
    out.push(m);
  } else if (type === 11) {
    const tls13 = st.tls13 || looksLikeTls13Certificate(b, body, len);
    const m: CertificateMessage = { source, start: at, length: total, type, truncated: false, recordVersion, kind: 'certificate', tls13, certificates: [] };
    readCertificate(b, body, end, m);
    out.push(m);
  } else if (type === 8) {
    throw NOT_FAST;
  } else {
    const m: OtherMessage = { source, start: at, length: total, type, truncated: false, recordVersion, kind: 'other' };
    out.push(m);
  }
  return end;
}

const u16 = (b: Uint8Array, p: number): number => (b[p]! << 8) | b[p + 1]!;

/** legacy_version, random and legacy_session_id, common to both hellos; returns where they end. */
function readVersionRandomSession(b: Uint8Array, p: number, end: number, m: ClientHello | ServerHello): number {
  if (end - p < 35) throw NOT_FAST;
  m.legacyVersion = u16(b, p);
  m.random = b.subarray(p + 2, p + 34);
  const sidLen = b[p + 34]!;
  p += 35;
  if (p + sidLen > end) throw NOT_FAST;
  m.sessionId = b.subarray(p, p + sidLen);
  return p + sidLen;
}

function readClientHello(b: Uint8Array, source: string, p: number, end: number, m: ClientHello, st: ReadState): void {
  p = readVersionRandomSession(b, p, end, m);
  if (end - p < 2) throw NOT_FAST;
  const csLen = u16(b, p);
  p += 2;
  if ((csLen & 1) !== 0 || p + csLen > end) throw NOT_FAST;
  m.cipherSuitesOffset = p;
  const cs = m.cipherSuites;
  for (const e = p + csLen; p < e; p += 2) cs.push(u16(b, p));
  if (end - p < 1) throw NOT_FAST;
  const cmLen = b[p]!;
  p += 1;
  if (p + cmLen > end) throw NOT_FAST;
  for (const e = p + cmLen; p < e; p++) m.compressionMethods.push(b[p]!);
  if (p === end) return;
  m.hasExtensionsBlock = true;
  m.extensions = readExtensionsFast(b, source, p, end, 'client_hello', m, st);
  for (const e of m.extensions) if (e.type === 0) { m.sniPresent = true; break; }
}

function readServerHello(b: Uint8Array, source: string, p: number, end: number, m: ServerHello, st: ReadState): void {
  if (end - p >= 34) {
    let hrr = true;
    for (let i = 0; i < 32; i++) if (b[p + 2 + i] !== HRR[i]) { hrr = false; break; }
    if (hrr) throw NOT_FAST;
  }
  p = readVersionRandomSession(b, p, end, m);
  if (end - p < 3) throw NOT_FAST;
  m.cipherSuiteOffset = p;
  m.cipherSuite = u16(b, p);
  m.compressionMethod = b[p + 2]!;
  p += 3;
  if (p === end) return;
  m.extensions = readExtensionsFast(b, source, p, end, 'server_hello', m, st);
}

/** The extensions block at `p` that fills the message up to `end` exactly. */
function readExtensionsFast(b: Uint8Array, source: string, p: number, end: number, message: MessageKind, target: DecodedExtensions, st: ReadState): ExtensionRef[] {
  if (end - p < 2) throw NOT_FAST;
  const blockEnd = p + 2 + u16(b, p);
  if (blockEnd !== end) throw NOT_FAST; // longer: an error; shorter: trailing bytes (parseTls reports them)
  p += 2;
  const out: ExtensionRef[] = [];
  const client = message === 'client_hello';
  while (p < blockEnd) {
    if (blockEnd - p < 4) throw NOT_FAST;
    const type = u16(b, p);
    const len = u16(b, p + 2);
    const ds = p + 4, de = ds + len;
    if (de > blockEnd) throw NOT_FAST;
    out.push({ type, start: p, length: len });
    if (!isGrease(type)) decodeExtension(b, source, type, ds, de, client, message, target, st);
    p = de;
  }
  return out;
}

function decodeExtension(b: Uint8Array, source: string, type: number, p: number, e: number, client: boolean, message: MessageKind, t: DecodedExtensions, st: ReadState): void {
  switch (type) {
    case 0: { // server_name
      if (p === e) return;
      const listEnd = vec2(b, p, e);
      p += 2;
      while (p < listEnd) {
        if (listEnd - p < 3) throw NOT_FAST;
        const nameType = b[p]!;
        const nameEnd = vec2(b, p + 1, listEnd);
        const host = decodeUtf8(b.subarray(p + 3, nameEnd));
        if (nameType === 0 && t.serverName === undefined && host.length > 0) t.serverName = host;
        p = nameEnd;
      }
      if (listEnd !== e) throw NOT_FAST;
      return;
    }
    case 10: t.supportedGroups = u16List(b, p, e); return;
    case 11: t.ecPointFormats = u8List(b, p, e); return;
    case 13: t.signatureAlgorithmsOffset = p + 2; t.signatureAlgorithms = u16List(b, p, e); return;
    case 16: t.alpn = protocolNames(b, p, e); if (t.alpn.length) t.alpnFirstOffset = p + 3; return;
    case 43: {
      if (!client) { if (e - p !== 2) throw NOT_FAST; t.supportedVersions = [u16(b, p)]; return; }
      t.supportedVersions = u16ListShort(b, p, e);
      return;
    }
    case 45: t.pskKeyExchangeModes = u8List(b, p, e); return;
    case 51: {
      const groups: number[] = [];
      let q = p, listEnd = e;
      if (client) { listEnd = vec2(b, p, e); if (listEnd !== e) throw NOT_FAST; q = p + 2; }
      do {
        if (listEnd - q < 4) throw NOT_FAST;
        groups.push(u16(b, q));
        q = vec2(b, q + 2, listEnd);
      } while (client && q < listEnd);
      if (q !== e) throw NOT_FAST;
      t.keyShareGroups = groups;
      return;
    }
    case 28: if (e - p !== 2) throw NOT_FAST; t.recordSizeLimit = u16(b, p); return;
    case 27: t.certCompressionAlgorithms = u16ListShort(b, p, e); return;
    case 0x4469: case 0x44cd:
      if (!client) break;
      t.applicationSettings = protocolNames(b, p, e).map((n) => decodeLatin1(n));
      return;
    case 0xfe0d: {
      if (!client) break;
      if (e - p < 1) throw NOT_FAST;
      t.echType = b[p]!;
      if (t.echType !== 0) return;
      // ECHClientHello outer: cipher suite (4), config id (1), enc and payload vectors.
      if (e - p < 6) throw NOT_FAST;
      const enc = vec2(b, p + 6, e);
      if (vec2(b, enc, e) !== e) throw NOT_FAST;
      return;
    }
    case 5: { // status_request
      if (p === e || !client) return;
      if (b[p] !== 1) { if (e - p < 1) throw NOT_FAST; return; }
      const ids = vec2(b, p + 1, e);
      if (vec2(b, ids, e) !== e) throw NOT_FAST;
      return;
    }
    case 34: // delegated_credentials
      if (!client) break;
      u16List(b, p, e);
      return;
    case 50: u16List(b, p, e); return; // signature_algorithms_cert
    case 41: { // pre_shared_key
      if (!client) break;
      const ids = vec2(b, p, e);
      for (let q = p + 2; q < ids;) { q = vec2(b, q, ids); if (ids - q < 4) throw NOT_FAST; q += 4; if (q > ids) throw NOT_FAST; }
      const binders = vec2(b, ids, e);
      if (binders !== e) throw NOT_FAST;
      for (let q = ids + 2; q < binders;) { const n = b[q]!; q += 1 + n; if (q > binders) throw NOT_FAST; }
      return;
    }
    case 21: case 35: // padding, session_ticket: any bytes
      return;
    case 0xff01: // renegotiation_info
      if (e - p < 1 || p + 1 + b[p]! !== e) throw NOT_FAST;
      return;
    case 18: case 42: // signed_certificate_timestamp, early_data: empty is the common case
      if (p === e) return;
      break;
  }
  if (EMPTY_OK.has(type) && p === e) return;
  // Anything else: parseTls's own decoder, reading into a throwaway model; an error means parseTls.
  const decoder = EXTENSION_DECODERS.get(type);
  if (!decoder) return; // kept as raw bytes
  st.sink ??= new ProblemsOnly();
  const before = st.sink.problems.length;
  const ctx: ExtensionContext = { message, target: type === 0xfe0d ? {} : t };
  decoder(new FieldReader(b, source, p, e, st.sink), ctx);
  for (let i = before; i < st.sink.problems.length; i++) if (st.sink.problems[i]!.severity === 'error') throw NOT_FAST;
}

/** End of the u16-length vector at `p`, which must fit before `e`. */
function vec2(b: Uint8Array, p: number, e: number): number {
  if (e - p < 2) throw NOT_FAST;
  const end = p + 2 + u16(b, p);
  if (end > e) throw NOT_FAST;
  return end;
}

/** A u16-length list of u16 values filling [p, e) exactly. */
function u16List(b: Uint8Array, p: number, e: number): number[] {
  const end = vec2(b, p, e);
  if (end !== e || ((end - p - 2) & 1) !== 0) throw NOT_FAST;
  const v: number[] = [];
  for (let q = p + 2; q < end; q += 2) v.push(u16(b, q));
  return v;
}

/** A u8-length list of u16 values filling [p, e) exactly (supported_versions, compress_certificate). */
function u16ListShort(b: Uint8Array, p: number, e: number): number[] {
  if (e - p < 1) throw NOT_FAST;
  const n = b[p]!;
  if ((n & 1) !== 0 || p + 1 + n !== e) throw NOT_FAST;
  const v: number[] = [];
  for (let q = p + 1; q < e; q += 2) v.push(u16(b, q));
  return v;
}

/** A u8-length list of u8 values filling [p, e) exactly. */
function u8List(b: Uint8Array, p: number, e: number): number[] {
  if (e - p < 1 || p + 1 + b[p]! !== e) throw NOT_FAST;
  const v: number[] = [];
  for (let q = p + 1; q < e; q++) v.push(b[q]!);
  return v;
}

/** A ProtocolNameList filling [p, e) exactly, with no empty name. */
function protocolNames(b: Uint8Array, p: number, e: number): Uint8Array[] {
  const end = vec2(b, p, e);
  if (end !== e) throw NOT_FAST;
  const out: Uint8Array[] = [];
  for (let q = p + 2; q < end;) {
    const n = b[q]!;
    if (n === 0 || q + 1 + n > end) throw NOT_FAST;
    out.push(b.subarray(q + 1, q + 1 + n));
    q += 1 + n;
  }
  return out;
}

function readCertificate(b: Uint8Array, p: number, end: number, m: CertificateMessage): void {
  if (m.tls13) {
    if (end - p < 1) throw NOT_FAST;
    p += 1 + b[p]!;
  }
  if (end - p < 3) throw NOT_FAST;
  const listEnd = p + 3 + ((b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!);
  if (listEnd !== end) throw NOT_FAST;
  p += 3;
  while (p < listEnd) {
    if (listEnd - p < 3) throw NOT_FAST;
    const len = (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
    const s = p + 3;
    if (s + len > listEnd) throw NOT_FAST;
    m.certificates.push({ start: s, length: len, der: b.subarray(s, s + len) });
    p = s + len;
    if (m.tls13) p = vec2(b, p, listEnd);
  }
}
