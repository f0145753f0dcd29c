// ClientHello bytes rebuilt from curl-impersonate's browser signatures (../shared/data/curl-impersonate,
// MIT, lwthiker/curl-impersonate tests/signatures, and ../shared/data/curl-impersonate-lexiforest,
// MIT, the lexiforest fork): the fields JA3/JA4 read (version, cipher suites, extension ids in
// order, groups, point formats, signature algorithms, ALPN, supported versions, SNI) are exact;
// other extension bodies are filled to their recorded length. Each GREASE placeholder becomes
// 0x0a0a (both methods drop GREASE).
//
// The signature's HTTP/2 part becomes the first request (`request`, for JA4H) and, when the
// signature lists the client's SETTINGS frame (lexiforest files only), its connection preface
// (`preface`, for Akamai). What is assumed: the method is GET and :path is `/` (curl-impersonate
// records a navigation; the signature lists pseudo-header names, not their values); no PRIORITY
// frames (the signatures have none); the first SETTINGS frame is the client's (a later empty one
// is its ACK of the server's); the WINDOW_UPDATE on stream 0 is the connection's.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';

const EXT = { server_name: 0, status_request: 5, supported_groups: 10, ec_point_formats: 11, signature_algorithms: 13, application_layer_protocol_negotiation: 16, signed_certificate_timestamp: 18, padding: 21, extended_master_secret: 23, compress_certificate: 27, record_size_limit: 28, delegated_credentials: 34, session_ticket: 35, supported_versions: 43, psk_key_exchange_modes: 45, keyshare: 51, pre_shared_key: 41, application_settings: 17513, application_settings_new: 17613, encrypted_client_hello: 65037, renegotiation_info: 65281 };
const VER = { TLS_VERSION_1_0: 0x0301, TLS_VERSION_1_1: 0x0302, TLS_VERSION_1_2: 0x0303, TLS_VERSION_1_3: 0x0304 };
const G = 0x0a0a;
const num = (v) => (v === 'GREASE' ? G : typeof v === 'string' && VER[v] ? VER[v] : Number(v));
const u16 = (n) => [n >> 8, n & 255];
const list16 = (vals, w = 2) => { const b = vals.flatMap((v) => (w === 2 ? u16(num(v)) : [num(v)])); return [...u16(b.length), ...b]; };

function extBody(e) {
  switch (e.type) {
    case 'server_name': { const h = [...Buffer.from('example.com')]; return [...u16(h.length + 3), 0, ...u16(h.length), ...h]; }
    case 'supported_groups': return list16(e.supported_groups);
    case 'ec_point_formats': return [e.ec_point_formats.length, ...e.ec_point_formats.map(Number)];
    case 'signature_algorithms': return list16(e.sig_hash_algs);
    case 'application_layer_protocol_negotiation': case 'application_settings': case 'application_settings_new': {
      const l = (e.alpn_list ?? e.alps_alpn_list).flatMap((p) => [p.length, ...Buffer.from(p)]);
      return [...u16(l.length), ...l];
    }
    case 'supported_versions': { const b = e.supported_versions.flatMap((v) => u16(num(v))); return [b.length, ...b]; }
    case 'keyshare': {
      const b = e.key_shares.flatMap((k) => [...u16(num(k.group)), ...u16(k.length), ...new Array(k.length).fill(0)]);
      return [...u16(b.length), ...b];
    }
    case 'psk_key_exchange_modes': return [1, e.psk_ke_mode ?? 1];
    default: return new Array(e.length ?? 0).fill(0);
  }
}

/** Header lines `name: value` as { name, value } (the value may itself hold ': '). */
const header = (line) => { const i = line.indexOf(':', 1); return { name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() }; };

/** The first request and HTTP/2 preface a signature describes (see the header comment). */
function signatureHttp(h2) {
  if (!h2) return {};
  const frames = h2.frames ?? [{ frame_type: 'HEADERS', pseudo_headers: h2.pseudo_headers, headers: h2.headers }];
  const first = frames.findIndex((f) => f.frame_type === 'HEADERS');
  const hf = frames[first];
  if (!hf?.pseudo_headers) return {};
  const pseudo = { ':method': 'GET', ':path': '/', ':scheme': 'https', ':authority': 'example.com' };
  const request = {
    method: 'GET', target: '/', version: 'HTTP/2', complete: true, problems: [],
    headers: [...hf.pseudo_headers.map((n) => ({ name: n, value: pseudo[n] ?? '' })), ...(hf.headers ?? []).map(header)],
  };
  const before = frames.slice(0, first);
  const settings = before.find((f) => f.frame_type === 'SETTINGS');
  if (!settings) return { request };
  const wu = before.find((f) => f.frame_type === 'WINDOW_UPDATE' && !f.stream_id);
  const preface = {
    settings: settings.settings.map((x) => [Number(x.key), Number(x.value)]), windowUpdate: wu ? Number(wu.window_size_increment) : 0,
    priorities: [], pseudoHeaderOrder: [...hf.pseudo_headers], frames: frames.slice(0, first + 1).map((f) => f.frame_type),
  };
  return { request, preface };
}

/**
 * Every signature of one YAML file: { name, browser, hello (Buffer of TLS records), request?,
 * preface?, thirdParty? } (thirdParty: the file's own `third_party` block, for checks).
 */
export function signatureHellos(file) {
  const out = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'), { customTags: ['binary'] })) {
    const d = doc.toJS();
    if (!d?.signature?.tls_client_hello) continue;
    const t = d.signature.tls_client_hello;
    const exts = [];
    let unknown = null;
    for (const e of t.extensions) {
      const id = e.type === 'GREASE' ? G : EXT[e.type] ?? (typeof e.type === 'number' ? e.type : undefined);
      if (id === undefined) { unknown = e.type; break; }
      const body = e.type === 'GREASE' ? new Array(e.length ?? 0).fill(0) : extBody(e);
      exts.push(...u16(id), ...u16(body.length), ...body);
    }
    if (unknown) continue;
    const body = [...u16(num(t.handshake_version)), ...new Array(32).fill(1), t.session_id_length, ...new Array(t.session_id_length).fill(2),
      ...list16(t.ciphersuites), t.comp_methods.length, ...t.comp_methods.map(Number), ...u16(exts.length), ...exts];
    const hs = [1, body.length >> 16, (body.length >> 8) & 255, body.length & 255, ...body];
    const rec = [22, ...u16(num(t.record_version)), ...u16(hs.length), ...hs];
    out.push({ name: d.name ?? basename(file, '.yaml'), browser: d.browser, hello: Buffer.from(rec), ...signatureHttp(d.signature.http2), ...(d.third_party ? { thirdParty: d.third_party } : {}) });
  }
  return out;
}
