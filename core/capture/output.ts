// The record `helloscope read` prints for a conversation, with the FoxIO `ja4` tool's key names
// (stream, transport, src, dst, src_port, dst_port, tls_server_name, ja4, ja4s, ja4t, ja4ts,
// ja4l_c, ja4l_s, tls_certs, ja4ssh, http) plus ours (ja3, ja3_full, ja3n, ja3s, ja3s_full...).
import type { ConnectionRecord, HelloRecord } from './connection.js';

export interface OutputOptions {
  /** Add the raw forms: ja4_r, ja4_ro, ja4s_r, ja4h_r, ja4h_ro, ja4x_r. */
  raw?: boolean;
  /** Add the original-order forms: ja4_o, ja4_ro, ja4h_ro. */
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
  if (o.raw || o.original) out.ja4_ro = h.ja4_ro;
  out.ja3 = h.ja3;
  out.ja3_full = h.ja3_full;
  out.ja3n = h.ja3n;
  if (o.raw) out.ja3n_full = h.ja3n_full;
  if (h.client) out.client = h.client;
  return out;
}

export function toOutputRecord(r: ConnectionRecord, o: OutputOptions = {}): OutputRecord {
  const out: OutputRecord = {
    stream: r.stream, transport: r.transport, src: r.src, dst: r.dst, src_port: r.src_port, dst_port: r.dst_port,
  };
  if (r.protocol !== 'other') out.protocol = r.protocol;
  if (r.ja4t) out.ja4t = r.ja4t;
  if (r.ja4ts) out.ja4ts = r.ja4ts;
  if (r.tls_server_name !== undefined && r.tls_server_name !== null) out.tls_server_name = r.tls_server_name;
  const first = r.hellos[0];
  if (first) {
    Object.assign(out, helloKeys(first, o));
    if (first.alpn.length) out.alpn = first.alpn;
  }
  if (r.hellos.length > 1) out.hellos = r.hellos.map((h) => ({ frame: h.frame, ...helloKeys(h, o) }));
  if (r.server_hello) {
    out.ja4s = r.server_hello.ja4s;
    if (o.raw) out.ja4s_r = r.server_hello.ja4s_r;
    out.ja3s = r.server_hello.ja3s;
    out.ja3s_full = r.server_hello.ja3s_full;
  }
  if (r.tls_certs.length) {
    out.tls_certs = r.tls_certs.map((c) => ({
      x509: c.x509.map(({ der: _der, ja4x_r, ja4x, ...names }) => ({ ja4x, ...(o.raw && ja4x_r ? { ja4x_r } : {}), ...names })),
    }));
  }
  if (r.ja4l_c) out.ja4l_c = r.ja4l_c;
  if (r.ja4l_s) out.ja4l_s = r.ja4l_s;
  if (r.ja4ssh.length) out.ja4ssh = r.ja4ssh;
  if (r.http.length) {
    out.http = r.http.map((h) => {
      const x: OutputRecord = { frame: h.frame, method: h.method, path: h.path, version: h.version, ja4h: h.ja4h };
      if (o.raw && h.ja4h_r) x.ja4h_r = h.ja4h_r;
      if ((o.raw || o.original) && h.ja4h_ro) x.ja4h_ro = h.ja4h_ro;
      if (h.user_agent !== undefined && h.user_agent !== null) x.user_agent = h.user_agent;
      if (h.akamai) x.akamai = h.akamai;
      if (h.h2_frames) x.h2_frames = h.h2_frames;
      return x;
    });
  }
  if (r.problems.length) out.problems = r.problems.map((p) => p.message);
  return out;
}

/** Records as an export file: one JSON object per line (ndjson), or a JSON array. */
export function formatRecords(records: readonly OutputRecord[], format: 'ndjson' | 'json'): string {
  return format === 'ndjson' ? records.map((o) => JSON.stringify(o) + '\n').join('') : JSON.stringify(records, null, 2) + '\n';
}
