// Finishing a TCP conversation: what the capture engine does once a conversation has ended and
// its two directions are reassembled (TLS hellos, server flight, certificates, then the
// plugins). Apart from the packet side so the two can run in different threads: `helloscope
// read` hands these jobs to a second thread on large files (electron/cli/read-pipeline.ts).
import { decodeLatin1, sameBytes } from '../bytes/field-reader.js';
import type { Problem } from '../dissect/field.js';
import { fingerprintClientHello, fingerprintServerHelloShared, LazyClientHelloFingerprints } from '../fingerprint/tls-fingerprints.js';
import { parseTlsRecordsFast } from '../tls/fast-parse.js';
import type { ClientHello, HandshakeMessage, ServerHello } from '../tls/model.js';
import { parseTls } from '../tls/parse-tls.js';
import type { CapturedBytes, ConnectionRecord, HelloRecord, ServerHelloRecord, X509Record } from './connection.js';
import { pushCertificates as pushCertificateRecords, x509RecordOf } from './certificates.js';
import { fileSpotAt, findHandshakeRecord, frameAt, piecesFromRuns, sliceCaptured } from './captured-bytes.js';
import type { ConversationPlugin, TcpConversationView } from './plugin.js';

/**
 * Everything finishing a TCP conversation reads: plain data, so it can be posted to a worker. The
 * directions are as seen (not yet swapped: a conversation without SYN is decided here).
 */
export interface TcpFinishJob extends Omit<TcpConversationView, 'embeddedSecrets'> {
  sawSyn: boolean;
}

/**
 * One TCP direction as the capture engine hands it over: its bytes, four numbers per run of
 * bytes (at, length, frame, fileOffset: see piecesFromRuns) and the time of each run. Flat, so a
 * consumer that posts the job to another thread copies numbers and builds no piece objects.
 */
export interface ReassembledDirection {
  bytes: Uint8Array;
  runs: readonly number[];
  times: number[];
  truncated: boolean;
}

/** An ended TCP conversation as the capture engine hands it over (see finishJobOf). */
export interface TcpHandOff {
  record: ConnectionRecord;
  sawSyn: boolean;
  client: ReassembledDirection;
  server: ReassembledDirection;
}

/** The finishing job of a hand-off (its pieces made from the runs). */
export function finishJobOf(h: TcpHandOff): TcpFinishJob {
  const c = h.client, s = h.server;
  return {
    record: h.record, sawSyn: h.sawSyn,
    client: { bytes: c.bytes, pieces: piecesFromRuns(c.runs, 0, c.runs.length >> 2) },
    server: { bytes: s.bytes, pieces: piecesFromRuns(s.runs, 0, s.runs.length >> 2) },
    clientTruncated: c.truncated, serverTruncated: s.truncated, clientTimes: c.times, serverTimes: s.times,
  };
}

export interface FinisherOptions {
  plugins?: ConversationPlugin[];
  keepBytes?: boolean;
  lazyFingerprints?: boolean;
}

const NO_PROBLEMS: readonly Problem[] = [];

/** The messages of a run of handshake records: the fast reader, or parseTls when it declines. */
function readHandshakes(bytes: Uint8Array, source: 'client' | 'server'): { messages: HandshakeMessage[]; problems: readonly Problem[]; serverHello?: ServerHello } {
  const fast = parseTlsRecordsFast(bytes, source);
  if (fast) return { messages: fast, problems: NO_PROBLEMS, serverHello: fast.find((m): m is ServerHello => m.kind === 'server_hello') };
  return parseTls(bytes, { tree: false, framing: 'tls', source });
}

/**
 * JA4X and the names of a certificate are a function of its DER bytes, and a capture carries the
 * same server certificates over and over: remember them, compared byte for byte on a hit.
 */
class CertificateMemo {
  private readonly byHash = new Map<number, { der: Uint8Array; rec: X509Record }[]>();
  private size = 0;

  get(der: Uint8Array): X509Record {
    const h = quickHash(der);
    const list = this.byHash.get(h);
    if (list) for (const e of list) if (sameBytes(e.der, der)) return e.rec;
    const rec = x509RecordOf(der); // throws on a certificate it cannot read (not remembered)
    if (this.size >= 512) { this.byHash.clear(); this.size = 0; }
    const entry = { der: der.slice(), rec };
    if (list && this.byHash.has(h)) list.push(entry); else this.byHash.set(h, [entry]);
    this.size++;
    return rec;
  }
}

function startsWithHttpRequest(b: Uint8Array): boolean {
  return TLS_METHOD_RE.test(decodeLatin1(b, 0, Math.min(8, b.length)));
}

/** `HTTP/1.0 ` or `HTTP/1.1 ` and a digit: a status line. */
function startsWithHttpResponse(b: Uint8Array): boolean {
  return b.length >= 10 && decodeLatin1(b, 0, 7) === 'HTTP/1.' && (b[7] === 0x30 || b[7] === 0x31) && b[8] === 0x20 && b[9]! >= 0x30 && b[9]! <= 0x39;
}

/** FNV-1a over the length, the first and the last 64 bytes (certificates differ in serial and signature). */
function quickHash(b: Uint8Array): number {
  let h = 0x811c9dc5 ^ b.length;
  const n = b.length;
  for (let i = 0; i < Math.min(64, n); i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  for (let i = Math.max(64, n - 64); i < n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
}

const TLS_METHOD_RE = /^(GET|POST|PUT|HEAD|DELETE|OPTIONS|PATCH|CONNECT|TRACE|PRI) /;

export class ConversationFinisher {
  private readonly plugins: ConversationPlugin[];
  private readonly certificates = new CertificateMemo();

  constructor(private readonly opts: FinisherOptions) {
    this.plugins = opts.plugins ?? [];
  }

  /** Fills `job.record`. Analysers are written not to throw; the caller reports it if one does. */
  finishTcp(job: TcpFinishJob, embeddedSecrets: readonly string[]): ConnectionRecord {
    const r = job.record;
    let cb = job.client, sb = job.server;
    let ctrunc = job.clientTruncated, strunc = job.serverTruncated;
    let ctimes = job.clientTimes, stimes = job.serverTimes;
    // Without a SYN, the side that sent a ClientHello is the client; when the capture starts after
    // the ClientHello, the side that sent the ServerHello is the server.
    // Plain HTTP the same way: the side that sent a request line is the client (a capture that
    // starts at a keep-alive connection's response).
    if (!job.sawSyn && !startsWithClientHello(cb.bytes) && (startsWithClientHello(sb.bytes) || (startsWithHandshake(cb.bytes, 2) && !startsWithHandshake(sb.bytes, 2)) || (startsWithHttpResponse(cb.bytes) && startsWithHttpRequest(sb.bytes)))) {
      [r.src, r.dst, r.src_port, r.dst_port] = [r.dst, r.src, r.dst_port, r.src_port];
      [cb, sb] = [sb, cb];
      [ctrunc, strunc] = [strunc, ctrunc];
      [ctimes, stimes] = [stimes, ctimes];
    }
    this.analyzeTls(r, cb, sb);
    // The client's first bytes never came (a lost segment whose gap did not fill): nothing after
    // the gap can be read, so a ClientHello there is not seen; said rather than silently missing.
    if (ctrunc && cb.bytes.length === 0 && !r.hellos.length) r.problems.push({ severity: 'warning', code: 'tcp_gap', message: 'client: the stream\'s first bytes are missing from the capture (a gap that never filled); nothing the client sent could be read' });
    if (r.protocol === 'other' && startsWithHttpRequest(cb.bytes)) r.protocol = 'http';
    for (const p of this.plugins) {
      try {
        p.onTcpConversationEnd({ record: r, client: cb, server: sb, clientTruncated: ctrunc, serverTruncated: strunc, clientTimes: ctimes, serverTimes: stimes, embeddedSecrets });
      } catch (e) {
        r.problems.push({ severity: 'error', code: 'plugin_error', message: `${p.name} failed on tcp stream ${r.stream}: ${(e as Error)?.message ?? String(e)}` });
      }
    }
    return r;
  }

  /** The same, for a job that came from another thread: a failure is a problem on the record. */
  finishTcpSafely(job: TcpFinishJob, embeddedSecrets: readonly string[]): ConnectionRecord {
    try {
      return this.finishTcp(job, embeddedSecrets);
    } catch (e) {
      job.record.problems.push({ severity: 'error', code: 'internal_error', message: `analysis of tcp stream ${job.record.stream} failed: ${(e as Error)?.message ?? String(e)}` });
      return job.record;
    }
  }

  private analyzeTls(r: ConnectionRecord, cb: CapturedBytes, sb: CapturedBytes): void {
    const clientMessages = this.analyzeHellos(r, cb, sb);
    this.pushCertificates(r, clientMessages, 'client');
  }

  /** JA4X and names of the certificates of Certificate messages in clear (TLS 1.3 ones come decrypted, through the HTTP plugin). */
  pushCertificates(r: ConnectionRecord, messages: readonly HandshakeMessage[], side: 'client' | 'server'): void {
    pushCertificateRecords(r.tls_certs, r.problems, messages, side, {
      read: (der) => this.certificates.get(der), skipTls13: true, keepBytes: this.opts.keepBytes,
      unreadable: (e) => ({ severity: 'warning', code: 'bad_certificate', message: `certificate in ${r.transport} stream ${r.stream} could not be read: ${(e as Error)?.message ?? String(e)}` }),
    });
  }

  /** The hellos, the ServerHello and the server's certificates; returns the client's handshake messages. */
  private analyzeHellos(r: ConnectionRecord, cb: CapturedBytes, sb: CapturedBytes): readonly HandshakeMessage[] {
    let clientMessages: readonly HandshakeMessage[] = [];
    const client = handshakePrefix(cb.bytes, 1);
    if (client.end > 0) {
      if (client.start > 0) r.problems.push({ severity: 'info', code: 'tls_after_preamble', message: `TLS starts ${client.start} bytes into the client stream (after a proxy CONNECT or SOCKS exchange)` });
      const p = readHandshakes(cb.bytes.subarray(client.start, client.end), 'client');
      let k = 0, cut = 0;
      for (const msg of p.messages) {
        if (msg.kind !== 'client_hello') continue;
        const hello = msg as ClientHello;
        const recAt = client.helloRecords[k++] ?? 0;
        // A hello cut off (snaplen, a gap that never filled) would give the fingerprint of
        // whatever part of it was captured: left out, as tshark leaves it out.
        if (hello.truncated) { cut++; continue; }
        r.hellos.push(this.helloRecord(hello, frameAt(cb, recAt), cb, client.end, undefined, client.start));
      }
      if (r.hellos.length || cut) {
        r.protocol = 'tls';
        r.tls_server_name = r.hellos[0]?.tls_server_name ?? null;
      }
      pushProblems(r.problems, p.problems, 'client', { bytes: cb, start: client.start });
      if (cut) r.problems.push(cutHelloProblem('client', 'ClientHello', cut));
      // A client certificate sent in clear (TLS 1.2 client authentication) is listed too, after the
      // server's (FoxIO's tools list every Certificate message of the conversation).
      clientMessages = p.messages;
    } else if (looksLikeSslv2Hello(cb.bytes)) {
      // SSLv2-compatible ClientHello.
      try {
        const p = parseTls(cb.bytes, { tree: false, framing: 'sslv2', source: 'client' });
        if (p.clientHello?.truncated) r.problems.push(cutHelloProblem('client', 'ClientHello', 1));
        else if (p.clientHello) {
          r.hellos.push(this.helloRecord(p.clientHello, frameAt(cb, 0), cb, cb.bytes.length));
          r.protocol = 'tls';
          r.tls_server_name = null;
        }
      } catch { /* not SSLv2 after all */ }
    }
    const server = handshakePrefix(sb.bytes, 2);
    if (server.end > 0) {
      const p = readHandshakes(sb.bytes.subarray(server.start, server.end), 'server');
      if (p.serverHello && !p.serverHello.truncated) {
        const f = fingerprintServerHelloShared(p.serverHello);
        // Key by key, in the order of ServerHelloFingerprints (a spread was slow here).
        const sh: ServerHelloRecord = { ja3s: f.ja3s, ja3s_full: f.ja3s_full, ja4s: f.ja4s, ja4s_r: f.ja4s_r, frame: frameAt(sb, server.helloRecords[0] ?? 0) };
        if (this.opts.keepBytes) sh.captured = sliceCaptured(sb, server.start, server.end);
        r.server_hello = sh;
        if (r.protocol === 'other') r.protocol = 'tls';
      }
      this.pushCertificates(r, p.messages, 'server');
      pushProblems(r.problems, p.problems, 'server', { bytes: sb, start: server.start });
      if (p.serverHello?.truncated) r.problems.push(cutHelloProblem('server', 'ServerHello', 1));
    }
    return clientMessages;
  }

  helloRecord(hello: ClientHello, frame: number, cb: CapturedBytes, end: number, transport?: 'dtls', start = 0): HelloRecord {
    const more = { frame, tls_server_name: hello.serverName ?? null, alpn: (hello.alpn ?? []).map((a) => decodeLatin1(a)) };
    const h: HelloRecord = this.opts.lazyFingerprints
      ? Object.assign(new LazyClientHelloFingerprints(hello, transport ? { transport } : {}), more)
      : { ...fingerprintClientHello(hello, transport ? { transport } : {}), ...more };
    if (this.opts.keepBytes) h.captured = sliceCaptured(cb, start, end);
    return h;
  }

}


/** Why a hello that was seen has no fingerprint. */
export function cutHelloProblem(side: 'client' | 'server', what: string, n: number): Problem {
  return { severity: 'warning', code: 'tls_hello_cut', message: `${side}: ${n > 1 ? `${n} ${what}s are` : `the ${what} is`} cut off in the capture (not fingerprinted)` };
}

function startsWithClientHello(b: Uint8Array): boolean {
  return startsWithHandshake(b, 1);
}
function startsWithHandshake(b: Uint8Array, type: number): boolean {
  return b.length >= 6 && b[0] === 22 && b[1] === 3 && b[5] === type;
}

/**
 * The run of cleartext TLS records at the start of a stream (handshake, change_cipher_spec and
 * alert records) up to the first application_data record, and where each record that starts
 * a ClientHello/ServerHello begins.
 */
export function handshakePrefix(b: Uint8Array, helloType: 1 | 2): { start: number; end: number; helloRecords: number[] } {
  const helloRecords: number[] = [];
  const start = findHandshakeRecord(b, helloType);
  if (start < 0) return { start: 0, end: 0, helloRecords };
  let off = start;
  while (off + 5 <= b.length) {
    const type = b[off]!;
    if (type < 20 || type > 22 || b[off + 1] !== 3) break;
    const len = (b[off + 3]! << 8) | b[off + 4]!;
    if (type === 22 && off + 5 < b.length && (b[off + 5] === 1 || b[off + 5] === 2)) helloRecords.push(off);
    off += 5 + len;
  }
  return { start, end: Math.min(off, b.length), helloRecords };
}

/**
 * The parser's errors on a record, prefixed with the side; with `from` (the reassembled stream and
 * where the parsed bytes start in it) an error's offset is also given as the frame and the byte
 * offset in the capture file that carried it (the parser's own offset is within the stream).
 */
export function pushProblems(out: Problem[], ps: readonly Problem[], side: string, from?: { bytes: CapturedBytes; start: number }): void {
  for (const p of ps) {
    if (p.severity !== 'error') continue;
    const where = from && p.offset !== undefined ? fileSpotAt(from.bytes, from.start + p.offset) : undefined;
    out.push({ ...p, message: `${side}: ${p.message}${where ? ` (frame ${where.frame}, file offset ${where.fileOffset})` : ''}` });
  }
}

/**
 * An SSLv2-compatible ClientHello header (RFC 6101 appendix E.2): a two-byte record length with
 * the high bit set, message type 1, version 0x0002 or 0x03xx, cipher specs of three bytes each, a
 * session id of 0 or 16 bytes and a challenge of 16 to 32, which add up to the record length.
 * Anything less strict takes encrypted data of other protocols, seen from mid-connection, for a
 * hello about once in 512 streams.
 */
export function looksLikeSslv2Hello(b: Uint8Array): boolean {
  if (b.length < 11 || !(b[0]! & 0x80) || b[2] !== 1) return false;
  const major = b[3]!, minor = b[4]!;
  if (!((major === 0 && minor === 2) || (major === 3 && minor <= 4))) return false;
  const specs = (b[5]! << 8) | b[6]!, sid = (b[7]! << 8) | b[8]!, challenge = (b[9]! << 8) | b[10]!;
  if (specs === 0 || specs % 3 !== 0 || (sid !== 0 && sid !== 16) || challenge < 16 || challenge > 32) return false;
  return 9 + specs + sid + challenge === (((b[0]! & 0x7f) << 8) | b[1]!);
}
