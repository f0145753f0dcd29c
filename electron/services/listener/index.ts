// The TLS echo listener: accepts TCP, captures the client's ClientHello bytes before node:tls
// sees them, completes TLS, reads the HTTP/1 request as sent, and answers with the client's own
// fingerprints (the APIs of the seed documents, served locally). Plain Node; no electron import.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { ConnectionRecord, HelloRecord } from '../../../core/capture/connection.js';
import type { Problem } from '../../../core/dissect/field.js';
import { computeJa4h } from '../../../core/fingerprint/ja4plus/ja4h.js';
import { looksLikeHttp1Request, parseHttp1Request } from '../../../core/http/http1.js';
import { Http2ClientStream, startsWithH2Preface } from '../../../core/http/http2/client-stream.js';
import type { HttpRequest } from '../../../core/http/model.js';
import { computeAkamai } from '../../../core/fingerprint/akamai.js';
import { H2Answer, h2GoAway, h2GrantOneByte, h2Housekeeping, h2ResetStream, type FlowCredit } from './h2-reply.js';
import type { ClientHello } from '../../../core/tls/model.js';
import { parseTls, type TlsParse } from '../../../core/tls/parse-tls.js';
import { alertName } from '../../../core/tls/records.js';
import { HelloMemo, parseHello, type HelloFacts } from './hello-memo.js';
import type { Ja4hFingerprints } from '../../../core/fingerprint/ja4plus/ja4h.js';
import type { Http1Parse } from '../../../core/http/http1.js';
import { installNodeHashes } from '../../node/native-hashes.js';
import { botScore, type BotVerdict, type HelloTraits } from './bot-score.js';
import { assessUserAgent, knownClient, type ClientMatch, type UserAgentVerdict } from '../../../core/knowledge/index.js';
import { HelloCollector, tlsServerSocket } from './hello-collector.js';
import { ReceivedBytes } from './received-bytes.js';
import { fingerprintBodyProblem, readHttp1Body } from './request-body.js';
import { renderPage } from './page.js';
import { generateSelfSigned } from './self-signed.js';
import { HexPiece, ObservationStore, type ObservationSummary, type StoredObservation } from './store.js';

export interface ListenerOptions {
  host?: string;
  port?: number;
  dataDir: string;
  cert?: string;
  key?: string;
  windowBytes?: number;
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxHelloBytes?: number;
  maxHeaderBytes?: number;
  maxHeaders?: number;
  maxConnections?: number;
  warn?: (msg: string) => void;
}

export interface ListenerObservation {
  record: ConnectionRecord;
  stored: StoredObservation;
}

export interface ListenerHandle {
  host: string;
  port: number;
  certSha256: string;
  /** The generated RSA certificate's SHA-256 (served to clients that offer only RSA cipher suites); absent with --cert/--key. */
  certSha256Rsa?: string;
  store: ObservationStore;
  subscribe(cb: (obs: ListenerObservation) => void): () => void;
  stop(): Promise<void>;
}

const TLS_NAMES: Record<string, string> = { 'TLSv1.3': 'TLSv1.3', 'TLSv1.2': 'TLSv1.2', 'TLSv1.1': 'TLSv1.1', TLSv1: 'TLSv1.0' };
const VERSION_TEXT: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };

/** Whether a --host is a loopback address: localhost, 127.0.0.0/8, ::1 in any spelling, or 127/8 mapped into IPv6. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (!net.isIPv6(host)) {
    // The short and numeric IPv4 forms the system's resolver reads too (127.1, 2130706433), as
    // the URL parser writes them out.
    let h = '';
    try { h = new URL(`http://${host}/`).hostname; } catch { return false; }
    return net.isIPv4(h) && h.startsWith('127.');
  }
  // The URL parser writes an IPv6 address in its one canonical form.
  const h = new URL(`http://[${host}]/`).hostname;
  return h === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:/.test(h);
}

/**
 * The certificate chains and keys to serve, and the SHA-256 of the first certificate. With
 * --cert/--key, the user's; else the generated ECDSA pair and an RSA pair beside it (made on first
 * run, kept in the data directory): OpenSSL gives each client the one its offer can use.
 */
function loadCert(o: ListenerOptions): { cert: string[]; key: string[]; sha256: string; sha256Rsa?: string } {
  const sha256Of = (pem: string): string => new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
  if (o.cert || o.key) {
    if (!o.cert || !o.key) throw new Error('--cert and --key go together');
    const cert = readFileSync(o.cert, 'utf8'), key = readFileSync(o.key, 'utf8');
    return { cert: [cert], key: [key], sha256: sha256Of(cert) };
  }
  const pair = (name: string, kind: 'ec' | 'rsa'): { cert: string; key: string } => {
    const certPath = join(o.dataDir, `${name}-cert.pem`), keyPath = join(o.dataDir, `${name}-key.pem`);
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      mkdirSync(o.dataDir, { recursive: true });
      const g = generateSelfSigned(undefined, undefined, undefined, kind);
      writeFileSync(keyPath, g.keyPem, { mode: 0o600 });
      writeFileSync(certPath, g.certPem);
    }
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  };
  const ec = pair('listener', 'ec'), rsa = pair('listener-rsa', 'rsa');
  return { cert: [ec.cert, rsa.cert], key: [ec.key, rsa.key], sha256: sha256Of(ec.cert), sha256Rsa: sha256Of(rsa.cert) };
}

/**
 * The ALPN list in its wire form, made once (node:tls converts an array on every connection).
 * http/1.0 too: node:tls refuses a client whose list shares nothing with it (alert 120), and
 * curl --http1.0 offers only http/1.0, which the HTTP/1 reader speaks.
 */
const ALPN = Buffer.from([2, ...Buffer.from('h2'), 8, ...Buffer.from('http/1.1'), 8, ...Buffer.from('http/1.0')]);
const dotted = (l: number[] | undefined): string => (l ?? []).join(',');
const REASONS = new Map([[200, 'OK'], [400, 'Bad Request'], [404, 'Not Found'], [405, 'Method Not Allowed'], [413, 'Content Too Large'], [431, 'Request Header Fields Too Large']]);
/** The largest request body read (the endpoints take `{}`; an HTTP/2 stream's first window is 65,535 bytes). */
const MAX_BODY = 65535;
/** The most requests answered on one HTTP/2 connection (then GOAWAY once their answers are out). */
const MAX_H2_REQUESTS = 100;
/** The most HTTP/2 requests waiting to be taken up (behind one whose body has not ended), and PINGs between two requests. */
const MAX_H2_QUEUED = 32, MAX_H2_PINGS = 100;
const QUOTE_BRACE = Buffer.from('"}');
/** An answer's content: its text, or its text in pieces (written one after the other). */
type AnswerText = string | readonly string[];
const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * The knowledge base's answers for a connection (`knownClient`, `assessUserAgent`) are pure
 * functions of (ja4_r, which determines ja4; ja3; the User-Agent), and clients repeat
 * themselves: the last answers are kept, keyed exactly (bounded: emptied when full). The cached
 * objects are shared between answers and are never mutated.
 */
export class ClientVerdicts {
  private readonly byRaw = new Map<string, Map<string, Map<string | null, ClientVerdict>>>();
  private size = 0;
  constructor(private readonly max = 4096) {}
  get(ja4: string, ja4_r: string, ja3: string, ua: string | null): ClientVerdict {
    const hit = this.byRaw.get(ja4_r)?.get(ja3)?.get(ua);
    if (hit) return hit;
    const match = knownClient({ ja4, ja4_r, ja3 });
    const v: ClientVerdict = { match, check: assessUserAgent(ua, match) };
    if (this.size >= this.max) { this.byRaw.clear(); this.size = 0; }
    let byJa3 = this.byRaw.get(ja4_r);
    if (!byJa3) this.byRaw.set(ja4_r, (byJa3 = new Map()));
    let byUa = byJa3.get(ja3);
    if (!byUa) byJa3.set(ja3, (byUa = new Map()));
    byUa.set(ua, v);
    this.size++;
    return v;
  }
}
export interface ClientVerdict {
  match: ClientMatch | null;
  check: UserAgentVerdict;
  /** The bot_score with the last hello traits seen with this verdict, and its /fps members as pretty JSON. */
  bot?: { traits: HelloTraits; verdict: BotVerdict; text: string };
  /** The `client` and `user_agent_check` members of the /fps answer, as its pretty JSON (made on first use). */
  fpsText?: string;
}

/**
 * One member of a pretty-printed (2-space) JSON object at the top level: exactly what
 * `JSON.stringify(object, null, 2)` writes for it (nested lines indented once more: no string
 * in JSON output holds a raw newline), or undefined when the value is left out (undefined).
 */
export function prettyMember(key: string, value: unknown): string | undefined {
  const v = JSON.stringify(value, null, 2) as string | undefined;
  return v === undefined ? undefined : `  ${JSON.stringify(key)}: ${v.replace(/\n/g, '\n  ')}`;
}
const members = (xs: [string, unknown][]): string => xs.map(([k, v]) => prettyMember(k, v)).filter((x) => x !== undefined).join(',\n');

/** The bot_score of a verdict (one User-Agent) with a hello's traits, kept on the verdict for the last traits seen with it. */
function botOf(v: ClientVerdict, f: HelloFacts, ua: string | null): NonNullable<ClientVerdict['bot']> {
  if (v.bot && v.bot.traits === f.traits) return v.bot;
  const verdict = botScore(ua, f.traits, v.check);
  return (v.bot = { traits: f.traits, verdict, text: members([['bot_score', verdict.bot_score], ['bot_reasons', verdict.reasons]]) });
}

/** What the listener derives from a hello shape once, for its log lines and /fps answers. */
interface ShapeText {
  /** `,"tls_server_name":…` to `"sha3_384":…,` of the log line (compact JSON, the stored key order), as its bytes. */
  line: Buffer;
  /** The `sha3_384` and `tls_fp` members of the /fps answer, and its `ja3` and `ja4` members. */
  fpsHash: string;
  fpsJa: string;
}
function shapeText(f: HelloFacts): ShapeText {
  if (f.derived) return f.derived as ShapeText;
  const fp = f.fp;
  const line = JSON.stringify({
    tls_server_name: f.serverName, ja3: fp.ja3, ja3_full: fp.ja3_full, ja3n: fp.ja3n, ja4: fp.ja4, ja4_r: fp.ja4_r, ja4_o: fp.ja4_o, ja4_ro: fp.ja4_ro,
    tls_fp: fp.tls_fp, sha3_384: fp.sha3_384,
  }).slice(1, -1);
  const d: ShapeText = { line: Buffer.from(`,${line},`), fpsHash: members([['sha3_384', fp.sha3_384], ['tls_fp', fp.tls_fp]]), fpsJa: members([['ja3', fp.ja3], ['ja4', fp.ja4]]) };
  f.derived = d;
  return d;
}

/** An HTTP/1 request as received (its exact bytes) with what the listener derives from it. Shared: never mutated. */
interface RequestFacts {
  parsed: Http1Parse;
  ja4h?: Ja4hFingerprints;
  ua?: string | null;
  /** `"ja4h":…,"ja4h_ro":…,`, `"http_protocol":…,"rtt_ms":` and `,"user_agent":…,"path":…,"hello_hex":"` of the log line, as their bytes. */
  line?: Buffer;
  proto?: Buffer;
  tail?: Buffer;
  /** The `user-agent` member and the `ja4h` member of the /fps answer. */
  fpsUa?: string | undefined;
  fpsJa4h?: string;
  /** Neither Content-Length nor Transfer-Encoding: no body to wait for (the usual GET). */
  bodyless?: boolean;
}
const EMPTY_BODY = new Uint8Array(0);
const userAgentOf = (r: HttpRequest): string | null => r.headers.find((x) => x.name.toLowerCase() === 'user-agent')?.value ?? null;

/** A bounded map (emptied when full) of exact keys. */
class Bounded<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined { return this.m.get(k); }
  set(k: string, v: V): void {
    if (this.m.size >= this.max) this.m.clear();
    this.m.set(k, v);
  }
}
/** Where an empty line ends a header section with bare LFs (`\n\n` or `\n\r\n`), or -1. */
function bareLfEnd(b: Buffer, from: number): number {
  const a = b.indexOf('\n\n', from), c = b.indexOf('\n\r\n', from);
  return a < 0 ? c : c < 0 ? a : Math.min(a, c);
}
const num = (x: number | null): string => (x !== null && Number.isFinite(x) ? String(x) : 'null');
/**
 * `String(k / 1000)` for an integer k ≥ 0 (a time in ms as seconds, a round trip in µs as ms),
 * without converting a fraction to its shortest digits: the whole part, a point and the
 * thousandths without their trailing zeros, which is that shortest form while it has at most 15
 * significant digits (k below 10^15; test/electron/services/listener-memo.test.ts).
 */
export function thousandths(k: number): string {
  if (!(k >= 0 && k < 1e15 && Number.isInteger(k))) return String(k / 1000);
  const frac = k % 1000, whole = (k - frac) / 1000;
  if (frac === 0) return String(whole);
  if (frac % 100 === 0) return `${whole}.${frac / 100}`;
  if (frac % 10 === 0) { const f = frac / 10; return `${whole}.${f < 10 ? '0' : ''}${f}`; }
  return `${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

/** What the TLS handshake settled, read when it completes (the TLS socket forgets it once closed). */
interface Negotiated {
  protocol: string | null;
  cipher: tls.CipherNameAndProtocol | undefined;
  alpn: string | null;
  /** From the hello read to the handshake's end (see docs/listener.md), in whole microseconds. */
  rttUs: number;
}

/** A connection whose ClientHello was read, until its request is answered (then `answered`). */
interface Unanswered {
  ip: string;
  port: number;
  hello: Uint8Array;
  answered: boolean;
  stage: 'handshake' | 'request';
  /** Why it ended without an answer, as it stands (the last known reason wins). */
  reason: string;
  /** A failure was seen (a TLS error, a timeout, a refused request): later errors do not replace its reason. */
  failed?: boolean;
  /** An observation of the connection was stored besides answered requests (an HTTP/2 stream refused): the close adds none for it. */
  observed?: boolean;
  /** Why a request still waiting (an HTTP/2 body not yet ended) was not answered, should the connection end now. */
  pending?: string;
  /** HTTP/2: the stream of that request, and the streams of the requests waiting behind it. */
  awaited?: number;
  behind?: number[];
  negotiated?: Negotiated;
}

const NOOP = (): void => {};
function destroyThis(this: net.Socket): void { this.destroy(); }

/**
 * The client's address and port, read into one object kept for it: the same getpeername call as
 * `socket.remoteAddress`, which makes a new object for each socket (node:net's getters when the
 * handle does not have it). Valid until the next call.
 */
const PEER = { address: 'unknown', port: 0 };
function peerOf(socket: net.Socket): { address: string; port: number } {
  const handle = (socket as unknown as { _handle?: { getpeername?: (out: object) => number } })._handle;
  if (handle?.getpeername && handle.getpeername(PEER) === 0 && typeof PEER.address === 'string') return PEER;
  PEER.address = socket.remoteAddress ?? 'unknown';
  PEER.port = socket.remotePort ?? 0;
  return PEER;
}

/** Alerts a client sends when it does not accept the listener's (self-signed) certificate. */
const CERTIFICATE_ALERTS = new Set([42, 43, 44, 45, 46, 48, 49]);

/** The observation of a connection closed for an oversized ClientHello: the usual members, null, and why. */
function oversizedObservation(ip: string, port: number, time: number, size: number, reason: string): Omit<StoredObservation, 'id'> {
  const nulls = Object.fromEntries(['tls_server_name', 'ja3', 'ja3_full', 'ja3n', 'ja4', 'ja4_r', 'ja4_o', 'ja4_ro', 'tls_fp', 'sha3_384', 'ja4h', 'ja4h_r', 'ja4h_ro', 'akamai', 'tls_version', 'cipher_suite', 'alpn', 'http_protocol', 'rtt_ms', 'user_agent', 'method', 'path'].map((k) => [k, null]));
  return { ip, port, time_ms: time, ...nulls, hello_bytes: size, incomplete: 'hello', error: reason };
}

/**
 * The host to name in the answer to a plain-HTTP request: the one the client asked for (its Host
 * header, without a port) when the listener is bound to every address, else the bound one.
 */
export function plainHint(request: Uint8Array, host: string): string {
  if (!isEveryAddress(host)) return host.includes(':') ? `[${host}]` : host;
  const asked = /\r?\nhost:[ \t]*([^\r\n]{1,255})/i.exec(Buffer.from(request.subarray(0, 4096)).toString('latin1'))?.[1]?.trim();
  if (asked && /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d+)?$/i.test(asked)) return asked.replace(/:\d+$/, '');
  return net.isIPv6(host) ? '[::1]' : '127.0.0.1';
}

/** Whether a --host binds every address: 0.0.0.0 or :: in any spelling the system reads (0, ::0). */
export function isEveryAddress(host: string): boolean {
  if (net.isIPv6(host)) return new URL(`http://[${host}]/`).hostname === '[::]';
  try { return new URL(`http://${host}/`).hostname === '0.0.0.0'; } catch { return false; }
}

/** A node:tls error in words: the client's alert (by name), or OpenSSL's reason. */
function tlsFailure(e: Error & { code?: string; reason?: string }, stage: 'handshake' | 'request'): string {
  const what = stage === 'handshake' ? 'TLS handshake failed' : 'TLS error after the handshake';
  const alert = /SSL alert number (\d+)/.exec(e.message);
  if (alert) {
    const n = Number(alert[1]);
    const name = alertName(n);
    return `${what}: the client sent alert ${n} (${name})${CERTIFICATE_ALERTS.has(n) ? ': it does not accept the listener\'s certificate (trust it, or tell the client not to verify, e.g. curl -k)' : ''}`;
  }
  if (e.code === 'ECONNRESET') return `${what}: the client reset the connection`;
  return `${what}: ${e.reason ?? e.message.split('\n')[0]}${e.code ? ` (${e.code})` : ''}`;
}

export async function startListener(o: ListenerOptions): Promise<ListenerHandle> {
  if (o.host !== undefined && o.host.trim() === '') throw new Error('--host needs an address (127.0.0.1 is the default; 0.0.0.0 or :: for every network of this computer)');
  const host = o.host ?? '127.0.0.1';
  // node:crypto digests (OpenSSL) instead of the core's portable JS ones: several times faster.
  installNodeHashes();
  const { cert, key, sha256, sha256Rsa } = loadCert(o);
  // TLS 1.0 and 1.1 too (node:tls's minimum is 1.2, and OpenSSL's security level 1 refuses the
  // SHA-1 signatures they need): the listener is there to see what old clients, bots and devices
  // send, and it serves nothing but their own fingerprints. Modern clients negotiate as before
  // (node's default cipher list, TLS 1.3 first).
  const context = tls.createSecureContext({ cert, key, minVersion: 'TLSv1', ciphers: `${tls.DEFAULT_CIPHERS}:@SECLEVEL=0` });
  const store = new ObservationStore({ dataDir: o.dataDir, ...(o.windowBytes ? { windowBytes: o.windowBytes } : {}), ...(o.warn ? { warn: o.warn } : {}) });
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const hsTimeout = o.handshakeTimeoutMs ?? 10_000, reqTimeout = o.requestTimeoutMs ?? 10_000;
  const maxHeaderBytes = o.maxHeaderBytes ?? 64 * 1024, maxHeaders = o.maxHeaders ?? 200;
  const maxHelloBytes = o.maxHelloBytes ?? 128 * 1024;
  const sockets = new Set<net.Socket>();
  const verdicts = new ClientVerdicts();
  const hellos = new HelloMemo();
  const requests = new Bounded<RequestFacts>(1024);
  /** The last request that came with nothing after its header section (the usual GET): its bytes and facts. */
  let lastRequest: { bytes: Buffer; rf: RequestFacts } | undefined;
  const statsFacts = new Bounded<{ full: StoredObservation; f: HelloFacts | undefined }>(16384);
  // The log line's texts of the last connection's address and TLS parameters (they rarely change).
  let lastIp: string | undefined, lastIpText = '';
  let lastTls: { akamai: string | null; tv: unknown; cs: unknown; al: unknown; bytes: Buffer } | undefined;
  let listenPort = 0; // set once listening (server.address() is a system call)
  let stopping = false;

  const server = net.createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    // One timer per connection: the handshake deadline, then (re-armed) the request deadline.
    let expire: () => void = () => socket.destroy();
    let timer = setTimeout(() => expire(), hsTimeout);
    // A connection whose hello was read but that gets no answered request (the client rejects the
    // certificate, no common cipher, a timeout, a bad request, a close) is still an observation.
    let unanswered: Unanswered | undefined;
    socket.on('close', () => {
      sockets.delete(socket);
      clearTimeout(timer);
      const u = unanswered;
      const stopped = 'the listener stopped before a request was answered';
      if (u && !u.answered && !u.observed) {
        if (!u.failed) u.reason = stopping ? stopped : u.pending ?? u.reason;
        recordUnanswered(u);
      } else if (u?.pending) recordRequestFailure(u, stopping ? stopped : u.pending);
      if (u?.pending) {
        // HTTP/2 requests that waited behind that one: an observation each.
        for (const stream of u.behind ?? []) recordRequestFailure(u, `${stopping ? 'the listener stopped' : 'the connection ended'} while the request on stream ${stream} waited behind the one on stream ${u.awaited}`);
      }
      // A closed socket outlives the next young-generation collection (node:net lets go of it
      // only after that), and with it what its listeners hold: what this connection kept is let
      // go here, so the collector does not copy it along with the socket.
      unanswered = undefined;
      collector = undefined;
      expire = NOOP;
    });
    socket.on('error', destroyThis);
    let collector: HelloCollector | undefined = new HelloCollector(maxHelloBytes);
    const onData = (chunk: Buffer): void => {
      if (!collector) return;
      const st = collector.push(chunk);
      if (st.kind === 'more') return;
      socket.off('data', onData);
      if (st.kind === 'plain-http') {
        clearTimeout(timer);
        const body = JSON.stringify({ error: `this port speaks TLS: use https:// (for example curl -k https://${plainHint(collector.buffered, host)}:${listenPort}/fps)` });
        socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      if (st.kind !== 'hello') {
        clearTimeout(timer);
        if (st.kind === 'too-large') {
          // Reported where the client can see it too (/fps?all=1, /stats), not only on stderr: an
          // observation without fingerprints (the hello's bytes are not all kept).
          const reason = `ClientHello of ${st.size} bytes exceeds the limit of ${maxHelloBytes}; closed`;
          o.warn?.(`${socket.remoteAddress}:${socket.remotePort}: ${reason}`);
          store.add(oversizedObservation(socket.remoteAddress ?? 'unknown', socket.remotePort ?? 0, Date.now(), st.size, reason));
        } else o.warn?.(`${socket.remoteAddress}:${socket.remotePort}: not TLS (${st.what}); closed`);
        socket.destroy();
        return;
      }
      const helloAt = performance.now();
      // The address now: once the socket is closed it is gone (it is kept, one system call in all).
      // (The listeners below reach it through `unanswered`, which the close lets go of.)
      const peer = peerOf(socket);
      unanswered = { ip: peer.address, port: peer.port, hello: st.bytes, answered: false, stage: 'handshake', reason: 'the client closed the connection during the TLS handshake' };
      expire = () => { if (unanswered) unanswered.reason = `no TLS handshake within ${hsTimeout} ms`; socket.destroy(); };
      const t = tlsServerSocket(socket, collector.buffered, { secureContext: context, ALPNProtocols: ALPN }, (t) => t.on('error', (e) => {
        const u = unanswered;
        if (u) { if (u.stage === 'handshake' || !u.failed) u.reason = tlsFailure(e, u.stage); u.failed = true; }
        socket.destroy();
      }));
      collector = undefined;
      t.on('secure', () => {
        const u = unanswered;
        if (!u) return;
        const rttUs = Math.round((performance.now() - helloAt) * 1000);
        u.stage = 'request';
        // A TLS 1.3 cipher suite is negotiated only in TLS 1.3: no second call into node:tls for the version then.
        const cipher = t.getCipher();
        u.negotiated = { protocol: cipher?.version === 'TLSv1.3' ? 'TLSv1.3' : t.getProtocol(), cipher, alpn: t.alpnProtocol || null, rttUs };
        u.reason = 'the client closed the connection without sending a request';
        expire = () => { u.failed = true; u.reason = `no complete request within ${reqTimeout} ms`; t.destroy(); };
        if (reqTimeout === hsTimeout) timer.refresh();
        else { clearTimeout(timer); timer = setTimeout(() => expire(), reqTimeout); }
        const reqTimer = timer;
        // Answered (or refused): the client has the timeout once more to read the answer and
        // close. One that keeps the connection, or never reads, would hold it for good, and
        // enough of them every slot of the connection cap.
        const drain = (): void => { expire = () => { t.destroy(); }; reqTimer.refresh(); };
        if (t.alpnProtocol === 'h2') {
          // Read the client's own frames: node:http2 would hide their order and settings.
          // Every request of the connection is answered, on its stream, in the order they came
          // (each an observation, with the connection's hello and Akamai fingerprint; a refused
          // one recorded at once as one of its own); up to MAX_H2_REQUESTS, then GOAWAY once their
          // answers are out. A connection with nothing left to answer ends with GOAWAY after the
          // request timeout.
          const h2 = new Http2ClientStream({ keepFrames: false });
          const sent = { connection: 0 };
          const credit: FlowCredit = { stream: (id) => h2.initialWindow + (h2.windowUpdates.get(id) ?? 0), connection: () => 65535 + (h2.windowUpdates.get(0) ?? 0) };
          const preface = { sent: false };
          // Bytes read, and DATA bytes and PINGs among them, when the last request was taken up.
          let seen = 0, seenAtLast = 0, dataAtLast = 0, pingsAtLast = 0, next = 0, lastStream = 0;
          // The connection window given back so far, the SETTINGS ACKed (the first with the preface).
          let granted = 0, settingsAcked = 1;
          let answers: H2Answer[] = [];
          let ended = false;
          const end = (code = 0, reason = ''): void => {
            if (ended) return;
            ended = true;
            t.off('data', onH2);
            // A request still waiting was not answered for this reason.
            if (code && u.pending) u.pending = reason;
            h2GoAway(t, lastStream, code, reason, preface);
          };
          /** A client that sends more than a request can need: GOAWAY with `code` (ENHANCE_YOUR_CALM, FLOW_CONTROL_ERROR) and why. */
          const tooMuch = (code: number, what: string): void => {
            const reason = `HTTP/2: ${what} ${next ? 'after the last request taken up' : h2.requests.length ? 'while a request waited for its body' : 'before a request'}`;
            drain();
            if (!u.answered && !u.observed && !u.failed) { u.failed = true; u.reason = reason; }
            end(code, reason);
          };
          // After each request the connection may stay idle for the request timeout: then GOAWAY
          // (naming the last stream answered), and the end after the timeout once more.
          const idle = (): void => {
            expire = () => { if (u.pending) u.pending = `no complete request within ${reqTimeout} ms`; end(); drain(); };
            reqTimer.refresh();
          };
          const reply = (stream: number, head: boolean): Reply => (status, text, type, allow) => {
            const a = new H2Answer(t, stream, status, text, type, head, credit, sent, allow, preface);
            if (!a.pump()) answers.push(a);
          };
          const refuse = (status: number, error: string, send: Reply): void => refused(u, status, error, send, true);
          const onH2 = (c: Buffer): void => {
            if (ended) return;
            if (seen === 0 && !startsWithH2Preface(c.subarray(0, 24)) && looksLikeHttp1Request(c.subarray(0, 32))) {
              // HTTP/1 on a connection that negotiated h2: answered in the client's own language.
              t.off('data', onH2);
              drain();
              refused(u, 400, 'this connection negotiated HTTP/2 (ALPN h2) but the request is HTTP/1: send HTTP/2, or offer only http/1.1', (status, text, type) => h1Reply(t, status, text, type));
              return;
            }
            seen += c.length;
            h2.push(new Uint8Array(c));
            if (h2.problems.length) {
              // A connection error (RFC 9113 5.4.1): GOAWAY with its code and the reason as debug data.
              u.failed = true;
              u.reason = `HTTP/2: ${h2.problems[0]!.message}`;
              drain();
              end(h2.problems[0]!.code === 'hpack' ? 9 : 1, u.reason);
              return;
            }
            // The connection window back for the DATA read, a stream's only for its padding (a body
            // keeps to its first window, see MAX_BODY), and ACKs for the client's PINGs and later SETTINGS.
            h2Housekeeping(t, preface, h2.dataReceived - granted, h2.pings, h2.settingsFrames - settingsAcked, [...h2.padding]);
            granted = h2.dataReceived;
            h2.pings.length = 0;
            h2.padding.clear();
            settingsAcked = Math.max(settingsAcked, h2.settingsFrames);
            while (next < h2.requests.length && next < MAX_H2_REQUESTS) {
              const req = h2.requests[next]!;
              const stream = req.streamId ?? 1;
              // A stream the client reset is not answered.
              if (h2.resets.has(stream)) {
                next++;
                u.pending = u.awaited = u.behind = undefined;
                if (!u.answered && !u.failed) u.reason = `the client reset its request (stream ${stream}) before it was answered`;
                continue;
              }
              const send = reply(stream, req.method === 'HEAD');
              // A request with a body is answered once its stream ends (the request timeout runs); the ones after it wait.
              const body = h2.bodyOf(stream);
              // The header list size as HTTP/2 counts it (RFC 9113 6.5.2: name, value and 32 per field).
              const tooLarge = req.headers.reduce((n, x) => n + x.name.length + x.value.length + 32, 0) > maxHeaderBytes;
              if (!tooLarge && body && body.bytes.length <= MAX_BODY && !body.ended) {
                // One byte more than the client's first window allows, so that a body over MAX_BODY
                // (the first window) shows as one instead of waiting for credit until the timeout.
                h2GrantOneByte(t, stream, preface);
                if (u.awaited !== stream) {
                  // A request newly waited for gets the whole request timeout for its body.
                  u.awaited = stream;
                  u.pending = `the client closed the connection before the body of its request on stream ${stream} ended`;
                  reqTimer.refresh();
                }
                u.behind = h2.requests.slice(next + 1).map((r) => r.streamId ?? 0).filter((id) => !h2.resets.has(id));
                break;
              }
              next++;
              lastStream = Math.max(lastStream, stream);
              seenAtLast = seen;
              dataAtLast = h2.dataReceived;
              pingsAtLast = h2.pingsReceived;
              u.pending = u.awaited = u.behind = undefined;
              idle();
              if (tooLarge || (body && body.bytes.length > MAX_BODY)) {
                if (tooLarge) refuse(431, `request headers exceed ${maxHeaderBytes} bytes`, send);
                else refuse(413, `a request body of more than ${MAX_BODY} bytes`, send);
                // The client may still be sending the body: RST_STREAM NO_ERROR once the answer is out tells it to stop (RFC 9113 8.1).
                if (body && !body.ended && !answers.some((a) => a.stream === stream)) h2ResetStream(t, stream, preface);
              }
              else if (!req.target) refuse(400, req.method === 'CONNECT' ? 'CONNECT is not served here' : 'an HTTP/2 request without :path (RFC 9113 8.3.1)', send);
              else handle(u, req, h2.preface ? computeAkamai(h2.preface).akamai : null, send, undefined, body?.bytes);
            }
            // The client's frames bring credit for the answers still going out (WINDOW_UPDATEs);
            // an answer on a stream the client reset is dropped.
            if (answers.length) answers = answers.filter((a) => !h2.resets.has(a.stream) && !a.pump());
            if (next >= MAX_H2_REQUESTS && !answers.length) { drain(); end(); return; }
            // Since the last request taken up: frames other than DATA past four times the header
            // limit (a header block over the limit is read to its end and refused then: a client
            // answered in the middle of sending it takes the stream as refused and retries), more
            // requests waiting than MAX_H2_QUEUED, more DATA than their first windows allow, or
            // more than MAX_H2_PINGS PINGs: the connection is given up.
            const queued = h2.requests.length - next;
            if ((seen - seenAtLast) - (h2.dataReceived - dataAtLast) > 4 * maxHeaderBytes) tooMuch(11, `more than ${4 * maxHeaderBytes} bytes of frames other than DATA`);
            else if (queued > MAX_H2_QUEUED) tooMuch(11, `more than ${MAX_H2_QUEUED} requests waiting`);
            else if (h2.dataReceived - dataAtLast > (queued + 1) * (MAX_BODY + 1)) tooMuch(3, 'more DATA than the streams\' windows allow');
            else if (h2.pingsReceived - pingsAtLast > MAX_H2_PINGS) tooMuch(11, `more than ${MAX_H2_PINGS} PINGs`);
          };
          t.on('data', onH2);
          return;
        }
        const got = new ReceivedBytes();
        let head = false;
        const reply: Reply = (status, body, type, allow) => h1Reply(t, status, body, type, head, allow);
        // Once the header section is read: where the body starts, and the request.
        let bodyAt = -1;
        let rf: RequestFacts | undefined;
        const onReq = (c: Buffer): void => {
          got.append(c);
          const buf = got.bytes;
          if (bodyAt < 0) {
            // Only the new bytes are searched (from 3 before them: an end split across two reads).
            const from = Math.max(0, buf.length - c.length - 3);
            // The core's parser also ends lines at a bare LF (RFC 9112 2.2; hand-written clients send
            // them): so does the header section here, or such a request waits for the timeout unanswered.
            let end = buf.indexOf('\r\n\r\n', from);
            const crlf = end >= 0;
            if (!crlf) end = bareLfEnd(buf, from);
            if (end < 0 && buf.length <= maxHeaderBytes) return;
            const stop = (): void => { t.off('data', onReq); drain(); };
            // Over the limit too when the end came in the read that crossed it (reads are up to a TLS record, 16 KiB).
            if (end < 0 || end > maxHeaderBytes) { stop(); refused(u, 431, `request headers exceed ${maxHeaderBytes} bytes`, reply); return; }
            bodyAt = end + (crlf ? 4 : buf[end + 1] === 0x0a ? 2 : 3);
            // Clients repeat their requests byte for byte: the parse and JA4H are kept per exact bytes.
            // (The last one first: compared in place, without a key to build.)
            if (lastRequest && bodyAt === buf.length && lastRequest.bytes.equals(buf)) rf = lastRequest.rf;
            else {
              const key = buf.length <= 4096 ? buf.toString('latin1') : undefined;
              rf = key === undefined ? undefined : requests.get(key);
              if (rf === undefined) {
                rf = { parsed: parseHttp1Request(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)) };
                if (key !== undefined) requests.set(key, rf);
              }
              if (key !== undefined && bodyAt === buf.length) lastRequest = { bytes: Buffer.from(buf), rf };
            }
            if (!rf.parsed.request) { stop(); refused(u, 400, rf.parsed.problems[0]?.message ?? 'not an HTTP request', reply); return; }
            head = rf.parsed.request.method === 'HEAD';
          }
          const request = rf!.parsed.request!;
          rf!.bodyless ??= !request.headers.some((x) => /^(?:content-length|transfer-encoding)$/i.test(x.name));
          const body = rf!.bodyless ? { kind: 'body' as const, bytes: EMPTY_BODY } : readHttp1Body(buf, bodyAt, request.headers, MAX_BODY);
          if (body.kind === 'more') return;
          t.off('data', onReq);
          drain();
          if (body.kind === 'error') { refused(u, body.status, body.error, reply); return; }
          handle(u, request, null, reply, rf, body.bytes);
        };
        t.on('data', onReq);
      });
    };
    socket.on('data', onData);
  });
  server.maxConnections = o.maxConnections ?? 2048;

  /** Sends an answer; `allow`: the methods a 405 names (RFC 9110 15.5.6). */
  type Reply = (status: number, body: AnswerText, type: string, allow?: string) => void;

  /**
   * An observation's members in the log line's key order (handle() writes its line from parts in
   * this order) but the last, `hello_hex`, which the callers add where it is needed; `http`: the
   * answered request's, else null request members. `id` is set by the store.
   */
  function observationOf(u: Unanswered, facts: HelloFacts, time: number, http?: { h: Ja4hFingerprints; akamai: string | null; request: HttpRequest; ua: string | null }) {
    const fp = facts.fp, n = u.negotiated, protocol = n?.protocol ?? null;
    return {
      id: 0, ip: u.ip, port: u.port, time_ms: time,
      tls_server_name: facts.serverName,
      ja3: fp.ja3, ja3_full: fp.ja3_full, ja3n: fp.ja3n, ja4: fp.ja4, ja4_r: fp.ja4_r, ja4_o: fp.ja4_o, ja4_ro: fp.ja4_ro,
      tls_fp: fp.tls_fp, sha3_384: fp.sha3_384,
      ja4h: http ? http.h.ja4h : null, ja4h_r: http ? http.h.ja4h_r : null, ja4h_ro: http ? http.h.ja4h_ro : null, akamai: http ? http.akamai : null,
      tls_version: protocol === null ? null : TLS_NAMES[protocol] ?? protocol, cipher_suite: n?.cipher ? n.cipher.standardName ?? n.cipher.name : null,
      alpn: n ? n.alpn : null, http_protocol: http ? http.request.version : null, rtt_ms: n ? n.rttUs / 1000 : null,
      user_agent: http ? http.ua : null, method: http ? http.request.method : null, path: http ? http.request.target : null,
    };
  }

  /**
   * Hands an observation to subscribers (the desktop app's live table) with the ConnectionRecord
   * of the connection (the type captures produce): built only when someone listens, and only when
   * a subscriber reads it (so `parsed` and `http` are functions, called then).
   */
  function publish(stored: StoredObservation, hello: Uint8Array, facts: HelloFacts, parsed: () => TlsParse, http: () => ConnectionRecord['http'], problem?: Problem): void {
    if (events.listenerCount('observation') === 0) return;
    // (The log line got the hello's hex from its bytes; the observation gets it for those who listen.)
    stored.hello_hex ??= hexOf(hello);
    let record: ConnectionRecord | undefined;
    const build = (): ConnectionRecord => {
      const p = parsed();
      const ch = p.clientHello as ClientHello;
      const helloRecord: HelloRecord = { ...facts.fp, frame: 0, tls_server_name: facts.serverName, alpn: (ch.alpn ?? []).map((a) => Buffer.from(a).toString('latin1')), captured: { bytes: new Uint8Array(hello), pieces: [{ at: 0, length: hello.length, frame: 0, fileOffset: 0 }] } };
      return {
        stream: stored.id, transport: 'tcp', protocol: 'tls', src: stored.ip, dst: host, src_port: stored.port, dst_port: listenPort,
        first_seen_us: stored.time_ms * 1000, last_seen_us: stored.time_ms * 1000, packets: 0, bytes: hello.length,
        tls_server_name: facts.serverName, hellos: [helloRecord], tls_certs: [], http: http(), ja4ssh: [],
        problems: problem ? [...p.problems, problem] : p.problems,
      };
    };
    events.emit('observation', { stored, get record() { return (record ??= build()); } } satisfies ListenerObservation);
  }

  /**
   * The observation of a connection that ended without an answered request: the hello's
   * fingerprints, what was negotiated if the handshake completed, and why it ended
   * (`incomplete`: "handshake" or "request"; `error`). No request members but null ones.
   */
  function recordUnanswered(u: Unanswered): void {
    let facts: HelloFacts;
    try {
      facts = hellos.get(u.hello, () => parseHello(u.hello).clientHello as ClientHello);
    } catch (e) {
      o.warn?.(`${u.ip}:${u.port}: the ClientHello could not be fingerprinted (${(e as Error).message}); ${u.reason}`);
      return;
    }
    const { id: _id, ...partial } = observationOf(u, facts, Date.now());
    const stored = store.add({ ...partial, hello_hex: hexOf(u.hello), incomplete: u.stage, error: u.reason });
    publish(stored, u.hello, facts, () => parseHello(u.hello), () => [], { severity: 'warning', code: u.stage === 'handshake' ? 'tls_handshake_incomplete' : 'no_request', message: u.reason });
  }
  /** `head`: the answer to a HEAD request, the GET answer's header section without its content (RFC 9110 9.3.2). */
  function h1Reply(t: tls.TLSSocket, status: number, text: AnswerText, type: string, head = false, allow?: string): void {
    const reason = REASONS.get(status) ?? '';
    const pieces = typeof text === 'string' ? [text] : text;
    let n = 0;
    for (const x of pieces) n += Buffer.byteLength(x);
    const top = `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Length: ${n}\r\n${allow ? `Allow: ${allow}\r\n` : ''}Cache-Control: no-store\r\nConnection: close\r\n\r\n`;
    if (head) { t.end(top); return; }
    // One buffer with the header section and the pieces written into it (the header section is
    // ASCII): no joined string of the whole answer for the garbage collector.
    const b = Buffer.allocUnsafe(top.length + n);
    let at = b.write(top, 0, 'latin1');
    for (const x of pieces) at += b.write(x, at, 'utf8');
    t.end(b);
  }
  function respond(reply: Reply, status: number, body: unknown, type = 'application/json', allow?: string): void {
    reply(status, type === 'application/json' ? JSON.stringify(body, null, 2) + '\n' : String(body), type, allow);
  }

  /**
   * A request answered with an error before it is handled (400, 431): the connection is recorded
   * as unanswered, with the reason, when it closes; with `ownObservation` (an HTTP/2 stream) at once.
   */
  function refused(u: Unanswered, status: number, error: string, reply: Reply, ownObservation = false): void {
    u.failed = true;
    u.reason = `request refused with ${status}: ${error}`;
    respond(reply, status, { error });
    // An HTTP/2 stream's: an observation of its own now (other streams of the connection may be answered).
    if (ownObservation) {
      u.observed = true;
      recordRequestFailure(u, u.reason);
    }
  }

  /** One request of a connection that was not answered, as an observation of its own, with why (the connection's other requests may be). */
  function recordRequestFailure(u: Unanswered, reason: string): void {
    recordUnanswered({ ...u, stage: 'request', answered: false, reason });
  }

  /** The request of a connection whose handshake completed (`u.negotiated` is set). */
  function handle(u: Unanswered, request: HttpRequest, akamai: string | null, reply: Reply, rf?: RequestFacts, requestBody?: Uint8Array): void {
    // HTTP/2's pseudo-headers (:method, :path...) are not headers here, so both versions have the same limit.
    if (request.headers.length > maxHeaders && request.headers.filter((x) => !x.name.startsWith(':')).length > maxHeaders) { refused(u, 431, `more than ${maxHeaders} headers`, reply, request.version === 'HTTP/2'); return; }
    u.answered = true;
    const helloBytes = u.hello;
    // The parse is made only when something needs more than the facts kept per hello shape.
    let p: TlsParse | undefined;
    const parsed = (): TlsParse => (p ??= parseHello(helloBytes));
    const facts = hellos.get(helloBytes, () => parsed().clientHello as ClientHello);
    const r: RequestFacts = rf ?? { parsed: { request } as Http1Parse };
    const h = (r.ja4h ??= computeJa4h(request));
    const ua = r.ua !== undefined ? r.ua : (r.ua = userAgentOf(request));
    const now = Date.now();
    const st = shapeText(facts);
    const partial = observationOf(u, facts, now, { h, akamai, request, ua });
    // The log line: exactly JSON.stringify of the observation, from the parts kept per hello
    // shape and per request plus this connection's own values.
    const tv = partial.tls_version, cs = partial.cipher_suite, al = partial.alpn;
    let tlsText = lastTls;
    if (!tlsText || tlsText.akamai !== akamai || tlsText.tv !== tv || tlsText.cs !== cs || tlsText.al !== al) {
      lastTls = tlsText = { akamai, tv, cs, al, bytes: Buffer.from(`"akamai":${JSON.stringify(akamai)},"tls_version":${JSON.stringify(tv)},"cipher_suite":${JSON.stringify(cs)},"alpn":${JSON.stringify(al)},`) };
    }
    if (partial.ip !== lastIp) { lastIp = partial.ip; lastIpText = JSON.stringify(lastIp); }
    r.line ??= Buffer.from(JSON.stringify({ ja4h: h.ja4h, ja4h_r: h.ja4h_r, ja4h_ro: h.ja4h_ro }).slice(1, -1) + ',');
    r.proto ??= Buffer.from(`"http_protocol":${JSON.stringify(request.version)},"rtt_ms":`);
    r.tail ??= Buffer.from(`,${JSON.stringify({ user_agent: ua, method: request.method, path: request.target }).slice(1, -1)},"hello_hex":"`);
    // (The hello's hex is written straight into the line: it is in the observation only for subscribers and ?detail=1.)
    const stored = store.addPieces(partial, [`"ip":${lastIpText},"port":${num(partial.port)},"time_ms":${num(now)}`, st.line, r.line, tlsText.bytes, r.proto, u.negotiated ? thousandths(u.negotiated.rttUs) : 'null', r.tail, new HexPiece(helloBytes), QUOTE_BRACE]);
    publish(stored, helloBytes, facts, parsed, () => [{ frame: 0, method: request.method, path: request.target, version: request.version, ja4h: h.ja4h, ja4h_r: h.ja4h_r, ja4h_o: h.ja4h_o, ja4h_ro: h.ja4h_ro, user_agent: ua, ...(akamai ? { akamai } : {}) }]);
    route(reply, request.method, request.target, stored, helloBytes, parsed, facts, st, r, requestBody);
  }

  const ENDPOINTS = ['GET /', 'GET /fps', 'GET /fps?detail=1', 'GET /fps?all=1', 'GET /stats', 'GET /stats?bo=1', 'POST /v1/tls/fingerprint'];
  // Targets answered without the URL parser (what it would give for them: the path itself, no query).
  const PLAIN_TARGETS = new Set(['/', '/fps', '/stats', '/v1/tls/fingerprint']);
  const NO_QUERY = new URLSearchParams();

  function route(t: Reply, method: string, target: string, obs: StoredObservation, hello: Uint8Array, parsed: () => TlsParse, facts: HelloFacts, st?: ShapeText, rf?: RequestFacts, body?: Uint8Array): void {
    // HEAD is GET without the content (RFC 9110 9.3.2; the replies leave it out).
    const get = method === 'GET' || method === 'HEAD';
    let pathname: string, query: URLSearchParams;
    if (PLAIN_TARGETS.has(target)) { pathname = target; query = NO_QUERY; }
    else {
      // A target the URL parser rejects (`GET http://[ HTTP/1.1`, any HTTP/2 :path) is the client's error: a 400, not an exception out of the socket's data handler.
      // Origin form (/path?query) is read as a path even when it starts with '//' (relative to a
      // base it would name a host); absolute form (https://host/path) as a URL; nothing else is
      // a target here (RFC 9112 3.2).
      // OPTIONS * asks about the server as a whole (RFC 9112 3.2.4): what it answers.
      if (target === '*' && method === 'OPTIONS') return respond(t, 200, { endpoints: ENDPOINTS }, 'application/json', 'GET, HEAD, POST, OPTIONS');
      let url: URL;
      try {
        if (target.startsWith('/')) url = new URL(`https://listener${target}`);
        else if (/^https?:\/\//i.test(target)) url = new URL(target);
        else throw new Error('not a request target');
      } catch { return respond(t, 400, { error: `not a valid request target: ${target}` }); }
      pathname = url.pathname; query = url.searchParams;
    }
    const count = store.countByIp(obs.ip);
    const fpsView = (x: StoredObservation) => ({
      num_fingerprints: count, sha3_384: x.sha3_384, tls_fp: x.tls_fp, 'user-agent': x.user_agent,
      utc_now: utcNow(x.time_ms), timestamp: x.time_ms / 1000,
      ja3: x.ja3, ja4: x.ja4, ja4h: x.ja4h, akamai: x.akamai,
      // A connection that got no answer (the client refused the certificate, a timeout...): why.
      ...(x.incomplete ? { incomplete: x.incomplete, error: x.error } : {}),
    });
    if (pathname === '/fps' && get) {
      if (query.get('all') === '1') {
        return respond(t, 200, store.byIp(obs.ip).map((x) => {
          const f = factsOf(x);
          return { ...fpsView(x), ...(f ? knowing(x, f) : {}) };
        }));
      }
      const v = verdicts.get(String(obs.ja4), String(obs.ja4_r), String(obs.ja3), (obs.user_agent as string | null) ?? null);
      const bot = botOf(v, facts, (obs.user_agent as string | null) ?? null);
      const detail = query.get('detail') === '1';
      if (!detail && st && rf) {
        // The same text as JSON.stringify(answer, null, 2), from members kept per hello shape,
        // per request and per verdict plus this connection's own values.
        const uaM = rf.fpsUa !== undefined ? rf.fpsUa : (rf.fpsUa = prettyMember('user-agent', obs.user_agent) ?? '');
        // (In pieces: the kept ones are written into the answer as they are, not joined first.)
        return t(200, [`{\n  "num_fingerprints": ${num(count)},\n`, st.fpsHash, uaM ? `,\n${uaM},\n  "utc_now": ` : ',\n  "utc_now": ', `${JSON.stringify(utcNow(obs.time_ms))},\n  "timestamp": ${Number.isFinite(obs.time_ms) ? thousandths(obs.time_ms) : 'null'},\n`, st.fpsJa, ',\n', (rf.fpsJa4h ??= prettyMember('ja4h', obs.ja4h)!), `,\n  "akamai": ${JSON.stringify(obs.akamai)},\n`, (v.fpsText ??= members([['client', clientOf(v)], ['user_agent_check', v.check]])), ',\n', bot.text, '\n}\n'], 'application/json');
      }
      const out: Record<string, unknown> = fpsView(obs);
      out.client = clientOf(v);
      out.user_agent_check = v.check;
      out.bot_score = bot.verdict.bot_score;
      out.bot_reasons = bot.verdict.reasons;
      if (detail) {
        const d = parseTls(hello, { tree: true, framing: 'tls', source: 'client' });
        Object.assign(out, { ja3_full: obs.ja3_full, ja3n: obs.ja3n, ja3n_full: facts.fp.ja3n_full, ja4_r: obs.ja4_r, ja4_o: obs.ja4_o, ja4_ro: obs.ja4_ro, ja4h_r: obs.ja4h_r, ja4h_o: rf?.ja4h?.ja4h_o ?? null, ja4h_ro: obs.ja4h_ro, tls_version: obs.tls_version, cipher_suite: obs.cipher_suite, alpn: obs.alpn, tls_server_name: obs.tls_server_name, rtt_ms: obs.rtt_ms, hello_hex: hexOf(hello), dissection: d.fields, problems: d.problems });
      }
      return respond(t, 200, out);
    }
    if (pathname === '/stats' && get) return respond(t, 200, stats(query.get('bo') === '1'));
    if (pathname === '/v1/tls/fingerprint') {
      if (method !== 'POST') return respond(t, 405, { error: 'use POST with a JSON body {}' }, 'application/json', 'POST');
      const bad = fingerprintBodyProblem(body);
      if (bad) return respond(t, 400, { error: bad });
      const ua = (obs.user_agent as string | null) ?? null;
      const cv = verdicts.get(String(obs.ja4), String(obs.ja4_r), String(obs.ja3), ua);
      const v = botOf(cv, facts, ua).verdict;
      return respond(t, 200, {
        tls_version: obs.tls_version, cipher_suite: obs.cipher_suite, http_protocol: obs.http_protocol, tcp_rtt_ms: obs.rtt_ms,
        ja3_hash: obs.ja3, ja4: obs.ja4, ja4h: obs.ja4h, bot_score: v.bot_score, verified_bot: v.verified_bot, bot_reasons: v.reasons,
        client: clientOf(cv), user_agent_check: cv.check,
      });
    }
    if (pathname === '/' && get) return respond(t, 200, renderPage(obs, parsed().clientHello as ClientHello, parsed()), 'text/html');
    if (pathname === '/' || pathname === '/fps' || pathname === '/stats') return respond(t, 405, { error: `${pathname} answers GET (and HEAD), not ${method}` }, 'application/json', 'GET, HEAD');
    return respond(t, 404, { error: `no such endpoint: ${method} ${pathname}`, endpoints: ENDPOINTS });
  }

  /** The hello facts of a stored observation (from its hello bytes, through the shape memo), or undefined when they cannot be had. */
  function factsOf(x: StoredObservation): HelloFacts | undefined {
    if (typeof x.hello_hex !== 'string') return undefined;
    const bytes = Buffer.from(x.hello_hex, 'hex');
    try { return hellos.get(bytes, () => parseHello(bytes).clientHello as ClientHello); } catch { return undefined; }
  }
  /** The label, the User-Agent verdict and the bot_score of an observation (the /fps members, in their order). */
  function knowing(x: StoredObservation, f: HelloFacts): { client: ReturnType<typeof clientOf>; user_agent_check: ClientVerdict['check']; bot_score: number; bot_reasons: string[] } {
    const ua = (x.user_agent as string | null) ?? null;
    const v = verdicts.get(String(x.ja4), String(x.ja4_r), String(x.ja3), ua);
    const b = botOf(v, f, ua).verdict;
    return { client: clientOf(v), user_agent_check: v.check, bot_score: b.bot_score, bot_reasons: b.reasons };
  }

  function stats(onlyWithUa: boolean): unknown {
    const all = store.all().filter((x) => !onlyWithUa || x.user_agent);
    const by = new Map<string, { count: number; uas: Map<string, number>; ja4: unknown; ja3: unknown; first: ObservationSummary }>();
    let unfingerprinted = 0;
    for (const x of all) {
      // (A connection closed for an oversized hello has no fingerprint to group by.)
      if (x.sha3_384 === null || x.sha3_384 === undefined) { unfingerprinted++; continue; }
      const k = String(x.sha3_384);
      const e = by.get(k) ?? { count: 0, uas: new Map(), ja4: x.ja4, ja3: x.ja3, first: x };
      e.count++;
      if (x.user_agent) e.uas.set(String(x.user_agent), (e.uas.get(String(x.user_agent)) ?? 0) + 1);
      by.set(k, e);
    }
    const fps = [...by].sort((a, b) => b[1].count - a[1].count).map(([sha3_384, e]) => {
      // The label as /fps gives it (exact, else the nearest known client); per User-Agent its verdict and bot_score.
      // Kept per fingerprint between calls: reading a record back and its hello costs ~50 µs, and a
      // full window can hold thousands of distinct fingerprints.
      let known = statsFacts.get(sha3_384);
      if (!known) { const full = store.full(e.first); statsFacts.set(sha3_384, (known = { full, f: factsOf(full) })); }
      const { full, f } = known;
      return {
        sha3_384, ja4: e.ja4, ja3: e.ja3, client: clientOf(verdicts.get(String(full.ja4), String(full.ja4_r), String(full.ja3), null)), count: e.count, share: all.length ? e.count / all.length : 0,
        // Uniqueness: the share of observed connections that did NOT have this fingerprint.
        uniqueness: all.length ? 1 - e.count / all.length : 0,
        user_agents: [...e.uas].map(([ua, n]) => {
          const k = f ? knowing({ ...full, user_agent: ua }, f) : undefined;
          return { 'user-agent': ua, count: n, ...(k ? { user_agent_check: k.user_agent_check, bot_score: k.bot_score } : {}) };
        }),
      };
    });
    return { connections: all.length, distinct_fingerprints: by.size, window_records: store.window.length, ...(unfingerprinted ? { not_fingerprinted: unfingerprinted } : {}), fingerprints: fps };
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 8443, host, () => { server.off('error', rej); listenPort = (server.address() as net.AddressInfo).port; res(); });
  });
  if (!isLoopback(host)) o.warn?.(`listening on ${host}: other machines${isEveryAddress(host) ? ' on every network of this computer' : ''} can connect to it (${Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal).map((i) => i!.address).join(', ') || 'no external interface'})`);
  const addr = server.address() as net.AddressInfo;
  return {
    host, port: addr.port, certSha256: sha256, ...(sha256Rsa ? { certSha256Rsa: sha256Rsa } : {}), store,
    subscribe(cb) { events.on('observation', cb); return () => events.off('observation', cb); },
    async stop() {
      stopping = true;
      const closed = new Promise<void>((res) => server.close(() => res()));
      for (const s of sockets) s.destroy();
      // The sockets' close handlers record what was left unanswered: the store is closed after them.
      for (let i = 0; sockets.size && i < 400; i++) await new Promise((r) => setTimeout(r, 5));
      await closed;
      await store.close();
    },
  };
}

/**
 * `2026-12-01 20:33:05.123000`: the seed's form (the ISO form without T and Z, six fractional
 * digits). Observations are timed to the millisecond, so the last three digits are 0 but for a
 * time with a fraction. The text up to the second is kept per second.
 */
let utcSecond = NaN, utcPrefix = '';
export function utcNow(ms: number): string {
  // (Whole milliseconds apart from their fraction: ms * 1000 is past 2^53 in the year 2255.)
  let whole = Math.floor(ms), sub = Math.round((ms - whole) * 1000);
  if (sub === 1000) { whole++; sub = 0; }
  const sec = Math.floor(whole / 1000), frac = (whole - sec * 1000) * 1000 + sub;
  const six = frac < 10 ? `00000${frac}` : frac < 100 ? `0000${frac}` : frac < 1000 ? `000${frac}` : frac < 10000 ? `00${frac}` : frac < 100000 ? `0${frac}` : String(frac);
  if (sec !== utcSecond) {
    const iso = new Date(sec * 1000).toISOString();
    // Years 0-9999 only (a 24-character ISO form); others are rare enough to format in full.
    if (iso.length !== 24) return `${iso.slice(0, -5).replace('T', ' ')}.${six}`;
    utcSecond = sec;
    utcPrefix = iso.slice(0, 10) + ' ' + iso.slice(11, 20);
  }
  return utcPrefix + six;
}
const clientOf = (v: ClientVerdict): { label: string; confidence: number; exact: boolean } | null => (v.match ? { label: v.match.label, confidence: v.match.confidence, exact: v.match.exact } : null);

export { VERSION_TEXT, dotted };
// The listener's way of reading a ClientHello off a raw socket and handing it to node:tls (test/bench/listener-server.mjs uses them for its floor server).
export { HelloCollector, tlsServerSocket };
