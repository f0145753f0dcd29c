// The record `helloscope read` prints for a conversation, with the FoxIO `ja4` tool's key names
// (stream, transport, src, dst, src_port, dst_port, tls_server_name, ja4, ja4s, ja4t, ja4ts,
// ja4l_c, ja4l_s, tls_certs, ja4ssh, http) plus ours (ja3, ja3_full, ja3n, ja3s, ja3s_full...).
import type { ConnectionRecord, HelloRecord } from './connection.js';

export interface OutputOptions {
  /**
   * Add the raw forms: ja4_r, ja4s_r, ja4h_r, ja4x_r (and ja3n_full). With `original` too, the
   * raw original-order forms ja4_ro and ja4h_ro, as FoxIO's tools give them only with both
   * flags. The hashed sorted forms (ja4, ja4h) are always there.
   */
  raw?: boolean;
  /** Add the original-order forms: ja4_o, ja4h_o (and with `raw` ja4_ro, ja4h_ro). */
  original?: boolean;
}

export type OutputRecord = Record<string, unknown>;

/** True when a conversation has anything fingerprinted (others are left out of `read`). */
export function hasFingerprints(r: ConnectionRecord): boolean {
  return r.hellos.length > 0 || !!r.server_hello || !!r.ja4t || !!r.ja4ts || !!r.ja4l_c || !!r.ja4l_s || r.ja4ssh.length > 0 || r.http.length > 0 || r.tls_certs.length > 0;
}

function helloKeys(h: HelloRecord, o: OutputOptions): OutputRecord {
  const out: OutputRecord = { ja4: h.ja4 };
  if (o.raw) out.ja4_r = h.ja4_r;
  if (o.original) out.ja4_o = h.ja4_o;
  if (o.raw && o.original) out.ja4_ro = h.ja4_ro;
  out.ja3 = h.ja3;
  out.ja3_full = h.ja3_full;
  out.ja3n = h.ja3n;
  if (o.raw) out.ja3n_full = h.ja3n_full;
  if (h.client) out.client = h.client;
  return out;
}

export function toOutputRecord(r: ConnectionRecord, o: OutputOptions = {}): OutputRecord {
  const out = headOf(r);
  const first = r.hellos[0];
  if (first) {
    Object.assign(out, helloKeys(first, o));
    if (first.alpn.length) out.alpn = first.alpn;
  }
  if (r.hellos.length > 1) out.hellos = r.hellos.map((h) => ({ frame: h.frame, ...helloKeys(h, o) }));
  if (r.server_hello) Object.assign(out, serverKeys(r.server_hello, o));
  return Object.assign(out, restOf(r, o));
}

/** The keys before the first hello's: the conversation's addresses, protocol and JA4T/JA4TS. */
function headOf(r: ConnectionRecord): OutputRecord {
  const out: OutputRecord = {
    stream: r.stream, transport: r.transport, src: r.src, dst: r.dst, src_port: r.src_port, dst_port: r.dst_port,
  };
  if (r.protocol !== 'other') out.protocol = r.protocol;
  if (r.ja4t) out.ja4t = r.ja4t;
  if (r.ja4ts) out.ja4ts = r.ja4ts;
  if (r.tls_server_name !== undefined && r.tls_server_name !== null) out.tls_server_name = r.tls_server_name;
  return out;
}

function serverKeys(s: NonNullable<ConnectionRecord['server_hello']>, o: OutputOptions): OutputRecord {
  const out: OutputRecord = { ja4s: s.ja4s };
  if (o.raw) out.ja4s_r = s.ja4s_r;
  out.ja3s = s.ja3s;
  out.ja3s_full = s.ja3s_full;
  return out;
}

/** The keys after the ServerHello's: certificates, JA4L, JA4SSH, HTTP requests, problems. */
function restOf(r: ConnectionRecord, o: OutputOptions): OutputRecord {
  const out: OutputRecord = {};
  if (r.tls_certs.length) out.tls_certs = certsOf(r, o);
  if (r.ja4l_c) out.ja4l_c = r.ja4l_c;
  if (r.ja4l_s) out.ja4l_s = r.ja4l_s;
  if (r.ja4ssh.length) out.ja4ssh = r.ja4ssh;
  if (r.http.length) {
    out.http = r.http.map((h) => {
      const x: OutputRecord = { frame: h.frame, method: h.method, path: h.path, version: h.version, ja4h: h.ja4h };
      if (o.raw && h.ja4h_r) x.ja4h_r = h.ja4h_r;
      if (o.original && h.ja4h_o) x.ja4h_o = h.ja4h_o;
      if (o.raw && o.original && h.ja4h_ro) x.ja4h_ro = h.ja4h_ro;
      if (h.user_agent !== undefined && h.user_agent !== null) x.user_agent = h.user_agent;
      if (h.akamai) x.akamai = h.akamai;
      if (h.h2_frames) x.h2_frames = h.h2_frames;
      return x;
    });
  }
  if (r.problems.length) out.problems = r.problems.map((p) => p.message);
  return out;
}

function certsOf(r: ConnectionRecord, o: OutputOptions): OutputRecord[] {
  return r.tls_certs.map((c) => ({
    x509: c.x509.map(({ der: _der, ja4x_r, ja4x, ...names }) => ({ ja4x, ...(o.raw && ja4x_r ? { ja4x_r } : {}), ...names })),
  }));
}

/** The members of an object's JSON text, without the braces ('' for an empty object). */
const membersOf = (x: OutputRecord): string => JSON.stringify(x).slice(1, -1);

/** What JSON.stringify escapes in a string (quotes, backslashes, control characters, lone surrogates: any surrogate is sent to it). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
/** JSON.stringify(s) for a string: the string in quotes when nothing in it needs escaping (nearly always). */
const str = (s: string): string => (typeof s === 'string' && !NEEDS_ESCAPE.test(s) ? `"${s}"` : JSON.stringify(s) ?? 'null');
/** JSON.stringify(n) for a number (the same digits as String(n); NaN and infinities are null). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * `JSON.stringify(toOutputRecord(r, o))` (with `file` last when given), made faster for the
 * ndjson output, where it was a third of the finishing thread's time: the record's text is
 * written member by member in toOutputRecord's order, and the first hello's members (JA4, JA3
 * and their forms, the client label: ~450 of a record's ~750 characters) and the ServerHello's,
 * the same text connection after connection, are kept, keyed by strings that determine them
 * (ja4_ro gives ja4_r and ja4, and ja4_o; ja3_full gives ja3, ja3n and ja3n_full; ja4s_r and
 * ja3s_full the server's), the client label by identity (the knowledge base's answers are shared
 * objects, never changed). Rare parts (certificates, JA4SSH, several hellos) go through
 * JSON.stringify. One instance per set of output options; test/core/capture/output-json.test.ts
 * compares it with JSON.stringify on every recorded capture.
 */
export class OutputJson {
  private readonly hellos = new Map<string, Map<string, Map<unknown, string>>>();
  private readonly servers = new Map<string, Map<string, string>>();
  private size = 0;
  constructor(private readonly o: OutputOptions = {}) {}

  text(r: ConnectionRecord, file?: string): string {
    const o = this.o;
    if (r.hellos.length > 1) {
      const rec = toOutputRecord(r, o);
      if (file !== undefined) rec.file = file;
      return JSON.stringify(rec);
    }
    let t = `{"stream":${num(r.stream)},"transport":${str(r.transport)},"src":${str(r.src)},"dst":${str(r.dst)},"src_port":${num(r.src_port)},"dst_port":${num(r.dst_port)}`;
    if (r.protocol !== 'other') t += `,"protocol":${str(r.protocol)}`;
    if (r.ja4t) t += `,"ja4t":${str(r.ja4t)}`;
    if (r.ja4ts) t += `,"ja4ts":${str(r.ja4ts)}`;
    if (r.tls_server_name !== undefined && r.tls_server_name !== null) t += `,"tls_server_name":${str(r.tls_server_name)}`;
    const first = r.hellos[0];
    if (first) {
      t += ',' + this.helloText(first);
      if (first.alpn.length) t += `,"alpn":${JSON.stringify(first.alpn)}`;
    }
    if (r.server_hello) t += ',' + this.serverText(r.server_hello);
    if (r.tls_certs.length) t += ',' + membersOf({ tls_certs: certsOf(r, o) });
    if (r.ja4l_c) t += `,"ja4l_c":${str(r.ja4l_c)}`;
    if (r.ja4l_s) t += `,"ja4l_s":${str(r.ja4l_s)}`;
    if (r.ja4ssh.length) t += `,"ja4ssh":${JSON.stringify(r.ja4ssh)}`;
    if (r.http.length) {
      t += ',"http":[';
      for (let i = 0; i < r.http.length; i++) {
        const h = r.http[i]!;
        if (i) t += ',';
        t += `{"frame":${num(h.frame)},"method":${str(h.method)},"path":${str(h.path)},"version":${str(h.version)},"ja4h":${str(h.ja4h)}`;
        if (o.raw && h.ja4h_r) t += `,"ja4h_r":${str(h.ja4h_r)}`;
        if (o.original && h.ja4h_o) t += `,"ja4h_o":${str(h.ja4h_o)}`;
        if (o.raw && o.original && h.ja4h_ro) t += `,"ja4h_ro":${str(h.ja4h_ro)}`;
        if (h.user_agent !== undefined && h.user_agent !== null) t += `,"user_agent":${str(h.user_agent)}`;
        if (h.akamai) t += `,"akamai":${str(h.akamai)}`;
        if (h.h2_frames) t += `,"h2_frames":${JSON.stringify(h.h2_frames)}`;
        t += '}';
      }
      t += ']';
    }
    if (r.problems.length) t += `,"problems":${JSON.stringify(r.problems.map((p) => p.message))}`;
    if (file !== undefined) t += `,"file":${str(file)}`;
    return t + '}';
  }

  private helloText(h: HelloRecord): string {
    let byJa3 = this.hellos.get(h.ja4_ro);
    let byClient = byJa3?.get(h.ja3_full);
    let text = byClient?.get(h.client);
    if (text !== undefined) return text;
    text = membersOf(helloKeys(h, this.o));
    if (this.full()) byJa3 = byClient = undefined;
    if (!byJa3) this.hellos.set(h.ja4_ro, (byJa3 = new Map()));
    if (!byClient) byJa3.set(h.ja3_full, (byClient = new Map()));
    byClient.set(h.client, text);
    this.size++;
    return text;
  }

  private serverText(s: NonNullable<ConnectionRecord['server_hello']>): string {
    let byJa3s = this.servers.get(s.ja4s_r);
    let text = byJa3s?.get(s.ja3s_full);
    if (text !== undefined) return text;
    text = membersOf(serverKeys(s, this.o));
    if (this.full()) byJa3s = undefined;
    if (!byJa3s) this.servers.set(s.ja4s_r, (byJa3s = new Map()));
    byJa3s.set(s.ja3s_full, text);
    this.size++;
    return text;
  }

  /** Empties the kept texts when they reached TEXTS_MAX (bounded memory); true when it did. */
  private full(): boolean {
    if (this.size < TEXTS_MAX) return false;
    this.hellos.clear();
    this.servers.clear();
    this.size = 0;
    return true;
  }
}
const TEXTS_MAX = 4096;

/** Records as an export file: one JSON object per line (ndjson), or a JSON array. */
export function formatRecords(records: readonly OutputRecord[], format: 'ndjson' | 'json'): string {
  return format === 'ndjson' ? records.map((o) => JSON.stringify(o) + '\n').join('') : JSON.stringify(records, null, 2) + '\n';
}
