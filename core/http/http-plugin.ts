// The capture engine's HTTP analyser: JA4H for every HTTP/1 request a client sent in clear on a
// TCP conversation (keep-alive and pipelined requests included), HTTP/2 with prior knowledge
// (h2c), and, when a key log is available (--keylog, or pcapng Decryption Secrets Blocks), HTTP/1
// and HTTP/2 inside TLS, with the Akamai fingerprint for HTTP/2 and JA4X of TLS 1.3 certificates.
import { findHandshakeRecord, frameAt, sliceCaptured } from '../capture/captured-bytes.js';
import type { ConnectionRecord, HttpRequestRecord } from '../capture/connection.js';
import type { ConversationPlugin, TcpConversationView } from '../capture/plugin.js';
import { computeAkamai } from '../fingerprint/akamai.js';
import { computeJa4h } from '../fingerprint/ja4plus/ja4h.js';
import { computeJa4x } from '../fingerprint/ja4plus/ja4x.js';
import { emptyKeyLog, parseKeyLog, type KeyLog } from '../tls/decrypt/keylog.js';
import { decryptTlsConnection } from '../tls/decrypt/session.js';
import type { ClientHello, ServerHello } from '../tls/model.js';
import { parseTls } from '../tls/parse-tls.js';
import { looksLikeHttp1Request, parseHttp1Requests } from './http1.js';
import { Http2ClientStream, startsWithH2Preface } from './http2/client-stream.js';
import type { HttpRequest } from './model.js';
import { foxioNameKeys } from '../x509/names.js';

export interface HttpPluginOptions {
  /** Payload bytes kept per direction for HTTP (default 64 KiB, 4 MiB with keys). */
  streamBytes?: number;
  keylog?: KeyLog;
  /** Keep each plain HTTP/1 request's bytes on its record (CapturedBytes), for byte-level views. */
  keepBytes?: boolean;
}



function toRecord(req: HttpRequest, frame: number, akamai?: string, frames?: string[]): HttpRequestRecord {
  const fp = computeJa4h(req);
  const ua = req.headers.find((h) => h.name.toLowerCase() === 'user-agent');
  return { frame, method: req.method, path: req.target, version: req.version, ja4h: fp.ja4h, ja4h_r: fp.ja4h_r, ja4h_ro: fp.ja4h_ro, user_agent: ua ? ua.value : null, ...(akamai ? { akamai } : {}), ...(frames ? { h2_frames: frames } : {}) };
}

function h2Requests(r: ConnectionRecord, bytes: Uint8Array, frame: number): void {
  const s = new Http2ClientStream();
  s.push(bytes);
  const ak = s.preface ? computeAkamai(s.preface) : undefined;
  s.requests.forEach((req, i) => r.http.push(toRecord(req, frame, i === 0 ? ak?.akamai : undefined, i === 0 ? ak?.frames : undefined)));
  for (const p of s.problems) r.problems.push(p);
}


export function createHttpPlugin(opts: HttpPluginOptions = {}): ConversationPlugin {
  const keep = opts.streamBytes ?? (opts.keylog ? 4 << 20 : 64 * 1024);
  let merged: KeyLog | undefined;
  let mergedFrom = -1;
  // One plugin serves every file of a `read` run: the cache is for one file's secrets list.
  let mergedList: readonly string[] | undefined;
  const keys = (view: TcpConversationView): KeyLog | undefined => {
    if (!opts.keylog && view.embeddedSecrets.length === 0) return undefined;
    if (mergedList !== view.embeddedSecrets || mergedFrom !== view.embeddedSecrets.length) {
      mergedList = view.embeddedSecrets;
      merged = emptyKeyLog();
      for (const [k, v] of opts.keylog?.byRandom ?? []) merged.byRandom.set(k, v);
      view.embeddedSecrets.forEach((t, i) => parseKeyLog(t, `pcapng decryption secrets block ${i + 1}`, merged));
      mergedFrom = view.embeddedSecrets.length;
    }
    return merged;
  };
  return {
    name: 'http',
    wantsStreamBytes: () => keep,
    // Without keys, a TLS conversation's later bytes are never read (see onTcpConversationEnd);
    // secrets embedded in pcapng files are no concern here, the engine seals only classic pcap.
    needsTlsApplicationData: () => !!opts.keylog,
    onTcpConversationEnd(view) {
      const r = view.record;
      const bytes = view.client.bytes;
      if (r.protocol === 'ssh') return;
      if (r.protocol === 'tls') {
        // A CONNECT request in clear before TLS on a proxy connection.
        if (looksLikeHttp1Request(bytes.subarray(0, 32))) {
          const { requests, offsets } = parseHttp1Requests(bytes, { max: 1 });
          requests.forEach((req, i) => r.http.push(toRecord(req, frameAt(view.client, offsets[i]!))));
        }
        const kl = keys(view);
        if (kl) decrypted(view, kl);
        return;
      }
      if (startsWithH2Preface(bytes)) {
        h2Requests(r, bytes, frameAt(view.client, 0));
        if (r.http.length) r.protocol = 'http';
        return;
      }
      if (!looksLikeHttp1Request(bytes.subarray(0, 32))) return;
      const { requests, offsets, problems } = parseHttp1Requests(bytes);
      for (const p of problems) if (p.severity === 'error') r.problems.push(p);
      requests.forEach((req, i) => {
        const rec = toRecord(req, frameAt(view.client, offsets[i]!));
        if (opts.keepBytes) rec.captured = sliceCaptured(view.client, offsets[i]!, offsets[i + 1] ?? bytes.length);
        r.http.push(rec);
      });
      if (requests.length) r.protocol = 'http';
    },
  };
}

function decrypted(view: TcpConversationView, kl: KeyLog): void {
  const r = view.record;
  const c0 = findHandshakeRecord(view.client.bytes), s0 = findHandshakeRecord(view.server.bytes);
  if (c0 < 0 || s0 < 0) return;
  const ch = parseTls(view.client.bytes.subarray(c0), { tree: false, framing: 'tls' }).clientHello as ClientHello | undefined;
  const sh = parseTls(view.server.bytes.subarray(s0), { tree: false, framing: 'tls' }).serverHello as ServerHello | undefined;
  if (!ch || !sh) return;
  const d = decryptTlsConnection(view.client.bytes.subarray(c0), view.server.bytes.subarray(s0), ch, sh, kl);
  r.problems.push(...d.problems);
  if (!('client' in d)) return;
  const frame = r.hellos[0]?.frame ?? 0;
  if (startsWithH2Preface(d.client)) h2Requests(r, d.client, frame);
  else if (looksLikeHttp1Request(d.client.subarray(0, 32))) {
    for (const req of parseHttp1Requests(d.client).requests) r.http.push(toRecord(req, frame));
  }
  if (d.serverHandshake.length) {
    const p = parseTls(d.serverHandshake, { tree: false, framing: 'handshake' });
    for (const m of p.messages) {
      if (m.kind !== 'certificate') continue;
      const x509 = [];
      for (const c of m.certificates) {
        try {
          const x = computeJa4x(c.der);
          x509.push({ ja4x: x.ja4x, ja4x_r: x.ja4x_r, issuer: x.issuer, subject: x.subject, ...foxioNameKeys(x.certificate) });
        } catch { /* reported by the dissector */ }
      }
      if (x509.length) r.tls_certs.push({ x509 });
    }
  }
}
