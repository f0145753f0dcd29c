// The capture engine's HTTP analyser: JA4H for every HTTP/1 request a client sent in clear on a
// TCP conversation (keep-alive and pipelined requests included), HTTP/2 with prior knowledge
// (h2c), and, when a key log is available (--keylog, or pcapng Decryption Secrets Blocks), HTTP/1
// and HTTP/2 inside TLS, with the Akamai fingerprint for HTTP/2 and JA4X of TLS 1.3 certificates.
import { findHandshakeRecord, frameAt, sliceCaptured } from '../capture/captured-bytes.js';
import { pushCertificates } from '../capture/certificates.js';
import type { ConnectionRecord, HttpRequestRecord } from '../capture/connection.js';
import type { ConversationPlugin, TcpConversationView } from '../capture/plugin.js';
import { computeAkamai } from '../fingerprint/akamai.js';
import { computeJa4h } from '../fingerprint/ja4plus/ja4h.js';
import { emptyKeyLog, parseKeyLog, type KeyLog } from '../tls/decrypt/keylog.js';
import { decryptTlsConnection } from '../tls/decrypt/session.js';
import type { ClientHello, ServerHello } from '../tls/model.js';
import { parseTls } from '../tls/parse-tls.js';
import { looksLikeHttp1Request, parseHttp1Requests } from './http1.js';
import { Http2ClientStream, startsWithH2Preface } from './http2/client-stream.js';
import type { HttpRequest } from './model.js';
import { concatBytes } from '../bytes/concat.js';

export interface HttpPluginOptions {
  /** Payload bytes kept per direction for HTTP (default 64 KiB, 4 MiB with keys). */
  streamBytes?: number;
  keylog?: KeyLog;
  /** Keep each plain HTTP/1 request's bytes on its record (CapturedBytes), for byte-level views. */
  keepBytes?: boolean;
  /**
   * Decompresses a TLS 1.3 CompressedCertificate (RFC 8879; Chrome asks servers for brotli) so
   * its certificates get JA4X: `algorithm` 1 zlib, 2 brotli, 3 zstd; the result must be
   * `uncompressedLength` bytes, else undefined. The core has no decompressor of its own (Node's
   * zlib is handed in by the services); without one such certificates are reported, not read.
   */
  decompressCertificate?: CertificateDecompressor;
}

export type CertificateDecompressor = (algorithm: number, data: Uint8Array, uncompressedLength: number) => Uint8Array | undefined;
const CERT_COMPRESSION: Record<number, string> = { 1: 'zlib', 2: 'brotli', 3: 'zstd' };



function toRecord(req: HttpRequest, frame: number, akamai?: string, frames?: string[]): HttpRequestRecord {
  const fp = computeJa4h(req);
  const ua = req.headers.find((h) => h.name.toLowerCase() === 'user-agent');
  return { frame, method: req.method, path: req.target, version: req.version, ja4h: fp.ja4h, ja4h_r: fp.ja4h_r, ja4h_o: fp.ja4h_o, ja4h_ro: fp.ja4h_ro, user_agent: ua ? ua.value : null, ...(akamai ? { akamai } : {}), ...(frames ? { h2_frames: frames } : {}) };
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
        if (kl) decrypted(view, kl, opts.decompressCertificate);
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

function decrypted(view: TcpConversationView, kl: KeyLog, decompress: CertificateDecompressor | undefined): void {
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
    const hs = withCertificatesDecompressed(d.serverHandshake, decompress, r);
    const p = parseTls(hs, { tree: false, framing: 'handshake' });
    // (A certificate the reader refuses is reported by the dissector.)
    pushCertificates(r.tls_certs, r.problems, p.messages, 'server');
  }
}

/**
 * The decrypted handshake messages with each CompressedCertificate (type 25, RFC 8879 section 4:
 * algorithm, uncompressed_length, compressed_certificate_message) replaced by the Certificate
 * message (type 11) it holds, when it can be decompressed; else it stays, and the record says why.
 */
function withCertificatesDecompressed(hs: Uint8Array, decompress: CertificateDecompressor | undefined, r: ConnectionRecord): Uint8Array {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (let at = 0; at + 4 <= hs.length;) {
    const len = (hs[at + 1]! << 16) | (hs[at + 2]! << 8) | hs[at + 3]!;
    const end = Math.min(hs.length, at + 4 + len);
    const msg = hs.subarray(at, end);
    if (hs[at] === 25 && len >= 8 && end === at + 4 + len) {
      const alg = (msg[4]! << 8) | msg[5]!, ulen = (msg[6]! << 16) | (msg[7]! << 8) | msg[8]!;
      const clen = (msg[9]! << 16) | (msg[10]! << 8) | msg[11]!;
      const name = CERT_COMPRESSION[alg] ?? `algorithm ${alg}`;
      let body: Uint8Array | undefined;
      if (12 + clen === msg.length && decompress) {
        try { body = decompress(alg, msg.subarray(12), ulen); } catch { body = undefined; }
      }
      if (body && body.length === ulen) {
        parts.push(Uint8Array.of(11, ulen >> 16, (ulen >> 8) & 255, ulen & 255), body);
        changed = true;
      } else {
        parts.push(msg);
        r.problems.push({ severity: 'warning', code: 'certificate_compressed', message: `tcp stream ${r.stream}: the server's certificates were sent compressed (${name}, RFC 8879)${decompress ? ' and could not be decompressed' : ' and no decompressor is available here'}: no JA4X for them` });
      }
    } else parts.push(msg);
    at = end;
  }
  return changed ? concatBytes(parts) : hs;
}
