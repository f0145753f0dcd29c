// The capture engine's HTTP analyser: JA4H for every HTTP/1 request a client sent in clear on a
// TCP conversation (keep-alive and pipelined requests included). HTTP/2 and HTTP inside TLS need
// the HTTP/2 parser and TLS decryption (issue 4), which are not built yet.
import type { CapturedBytes, HttpRequestRecord } from '../capture/connection.js';
import type { ConversationPlugin } from '../capture/plugin.js';
import { computeJa4h } from '../fingerprint/ja4plus/ja4h.js';
import { looksLikeHttp1Request, parseHttp1Requests } from './http1.js';

export interface HttpPluginOptions {
  /** Payload bytes kept per direction for HTTP (default 64 KiB). */
  streamBytes?: number;
}

const frameAt = (c: CapturedBytes, at: number): number => {
  for (const p of c.pieces) if (at < p.at + p.length) return p.frame;
  return c.pieces[c.pieces.length - 1]?.frame ?? 0;
};

export function createHttpPlugin(opts: HttpPluginOptions = {}): ConversationPlugin {
  const keep = opts.streamBytes ?? 64 * 1024;
  return {
    name: 'http',
    wantsStreamBytes: () => keep,
    onTcpConversationEnd(view) {
      const r = view.record;
      const bytes = view.client.bytes;
      if (r.protocol === 'ssh' || !looksLikeHttp1Request(bytes.subarray(0, 32))) return;
      // Before TLS on a proxy connection only the CONNECT request is HTTP in clear.
      const tls = r.protocol === 'tls';
      const { requests, offsets, problems } = parseHttp1Requests(bytes, tls ? { max: 1 } : {});
      for (const p of problems) if (p.severity === 'error') r.problems.push(p);
      requests.forEach((req, i) => {
        const fp = computeJa4h(req);
        const ua = req.headers.find((h) => h.name.toLowerCase() === 'user-agent');
        const rec: HttpRequestRecord = {
          frame: frameAt(view.client, offsets[i]!), method: req.method, path: req.target, version: req.version,
          ja4h: fp.ja4h, ja4h_r: fp.ja4h_r, ja4h_ro: fp.ja4h_ro, user_agent: ua ? ua.value : null,
        };
        r.http.push(rec);
      });
      if (requests.length && !tls) r.protocol = 'http';
    },
  };
}
