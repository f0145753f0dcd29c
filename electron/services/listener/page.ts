// GET /: the visitor's own fingerprint for people (what a teacher projects while a class points
// its browsers at the listener): JA4 and JA4H broken into their parts with what each one means.
// Self-contained HTML: no scripts, no remote assets.
import { ja4Parts } from '../../../core/fingerprint/ja4.js';
import { ja4hParts } from '../../../core/fingerprint/ja4plus/ja4h.js';
import { parseHttp1Request } from '../../../core/http/http1.js';
import type { ClientHello } from '../../../core/tls/model.js';
import type { parseTls } from '../../../core/tls/parse-tls.js';
import type { StoredObservation } from './store.js';

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const row = (code: string, meaning: string): string => `<tr><td><code>${esc(code)}</code></td><td>${meaning}</td></tr>`;

export function renderPage(obs: StoredObservation, hello: ClientHello, _parsed: ReturnType<typeof parseTls>): string {
  const p = ja4Parts(hello);
  const [a, b, c] = String(obs.ja4).split('_');
  const ja4Rows = [
    row(p.protocol, `transport: ${p.protocol === 't' ? 'TLS over TCP' : p.protocol === 'q' ? 'QUIC' : 'DTLS'}`),
    row(p.version, `highest TLS version offered (0x${p.versionValue.toString(16)}, from ${p.versionSource === 'supported_versions' ? 'the supported_versions extension' : 'the legacy version field'})`),
    row(p.sni, p.sni === 'd' ? 'a server name (SNI) was sent: going to a domain' : 'no server name (SNI): going to an IP address'),
    // The counts as the fingerprint wrote them (two digits, at most 99).
    row(a?.slice(4, 6) ?? '', `${p.cipherCount} cipher suites offered (GREASE not counted${p.cipherCount > 99 ? '; the count stops at 99' : ''})`),
    row(a?.slice(6, 8) ?? '', `${p.extensionCount} extensions sent (GREASE not counted${p.extensionCount > 99 ? '; the count stops at 99' : ''})`),
    row(p.alpn, p.alpnValue === null ? 'no ALPN: 00' : `first ALPN value ${esc(JSON.stringify(p.alpnValue))}: its first and last characters${p.alpnRule === 'hex' ? ' (in hex, because they are not letters or digits)' : ''}`),
    row(b ?? '', `SHA-256 (first 12 hex digits) of the ${p.sortedCiphers.length} cipher suites, sorted: <code>${esc(p.sortedCiphers.join(','))}</code>`),
    row(c ?? '', `SHA-256 of the sorted extensions without SNI and ALPN, then the signature algorithms in the order sent: <code>${esc(p.sortedExtensions.join(','))}_${esc(p.signatureAlgorithms.join(','))}</code>`),
  ].join('');
  const req = parseHttp1Request(new TextEncoder().encode(`${obs.method} ${obs.path} ${obs.http_protocol}\r\n\r\n`)).request;
  let ja4hRows = '';
  const raw = String(obs.ja4h_r ?? '');
  if (req) {
    const hp = String(obs.ja4h).split('_');
    const names = raw.split('_')[1] ?? '';
    ja4hRows = [
      row(hp[0]!.slice(0, 2), `HTTP method ${esc(obs.method)}`),
      row(hp[0]!.slice(2, 4), `HTTP version ${esc(obs.http_protocol)}`),
      row(hp[0]!.slice(4, 5), hp[0]![4] === 'c' ? 'a Cookie header was sent' : 'no Cookie header'),
      row(hp[0]!.slice(5, 6), hp[0]![5] === 'r' ? 'a Referer header was sent' : 'no Referer header'),
      row(hp[0]!.slice(6, 8), 'number of headers, without Cookie and Referer'),
      row(hp[0]!.slice(8, 12), 'first Accept-Language, 4 characters (0000 when none)'),
      row(hp[1] ?? '', `SHA-256 of the header names in the order sent: <code>${esc(names)}</code>`),
      row(hp[2] ?? '', 'SHA-256 of the cookie names, sorted'),
      row(hp[3] ?? '', 'SHA-256 of the cookie name=value pairs, sorted'),
    ].join('');
  }
  void ja4hParts;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Your TLS fingerprint - Helloscope</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{font:14px ui-monospace,monospace;word-break:break-all}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #8884;padding:.3rem .5rem;vertical-align:top}td:first-child{white-space:nowrap}
.fp{font:1.4rem ui-monospace,monospace;word-break:break-all}@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}}</style></head><body>
<h1>Your client's fingerprint</h1>
<p>${esc(obs.user_agent ?? 'no User-Agent')} from ${esc(obs.ip)}, ${esc(obs.tls_version)} with ${esc(obs.cipher_suite)}${obs.alpn ? `, ALPN ${esc(obs.alpn)}` : ''}.</p>
<h2>JA4</h2><p class="fp">${esc(a)}_${esc(b)}_${esc(c)}</p><table>${ja4Rows}</table>
<h2>JA4H</h2><p class="fp">${esc(obs.ja4h)}</p><table>${ja4hRows}</table>
<h2>JA3</h2><p class="fp">${esc(obs.ja3)}</p><p>MD5 of <code>${esc(obs.ja3_full)}</code> (version, ciphers, extensions, groups, point formats).</p>
<p>JSON: <a href="/fps">/fps</a>, <a href="/fps?detail=1">/fps?detail=1</a>, <a href="/stats">/stats</a>. JA4 is BSD-3-Clause; JA4H is FoxIO License 1.1 (non-commercial).</p>
</body></html>`;
}
