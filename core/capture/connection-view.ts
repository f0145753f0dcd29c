// What the desktop views need of one conversation: a table row, and the dissections of its
// handshake messages and requests (field tree + hex sources with TCP segment and TLS record
// boundaries), rebuilt from the bytes the capture engine kept. Pure: runs in the capture worker,
// the main process (live listener) and tests alike.
import type { ByteBoundary, ConnectionRow, DiffSide, DissectionView, HexSource, KnownClient } from '../api.js';
import { knownClient, knownHttpClient, type ClientMatch, type KbEntry } from '../knowledge/index.js';
import { toHex } from '../bytes/hex.js';
import type { DataSource } from '../dissect/field.js';
import type { Ja4Transport } from '../fingerprint/ja4.js';
import { fingerprintClientHello, fingerprintServerHello } from '../fingerprint/tls-fingerprints.js';
import { computeJa4h } from '../fingerprint/ja4plus/ja4h.js';
import { computeJa4x } from '../fingerprint/ja4plus/ja4x.js';
import { parseHttp1Request } from '../http/http1.js';
import { NotTlsError, parseTls, type TlsParse } from '../tls/parse-tls.js';
import { dissectCertificate } from '../x509/dissect.js';
import type { CapturedBytes, ConnectionRecord } from './connection.js';

const CONTENT_TYPES: Record<number, string> = { 20: 'change_cipher_spec', 21: 'alert', 22: 'handshake', 23: 'application_data' };

export function connectionRow(r: ConnectionRecord, id: number): ConnectionRow {
  const h = r.hellos[0];
  const req = r.http[0];
  const problems = r.problems.length;
  return {
    id, stream: r.stream, time_us: r.first_seen_us, transport: r.transport, protocol: r.protocol,
    src: r.src, src_port: r.src_port, dst: r.dst, dst_port: r.dst_port,
    sni: r.tls_server_name ?? h?.tls_server_name ?? null,
    alpn: h && h.alpn.length ? h.alpn.join(',') : null,
    ja4: h?.ja4 ?? null, ja4_r: h?.ja4_r ?? null, ja3: h?.ja3 ?? null,
    ja4h: req?.ja4h ?? null, ja4s: r.server_hello?.ja4s ?? null,
    hellos: r.hellos.length, client: h?.client ?? null,
    user_agent: r.http.find((x) => x.user_agent)?.user_agent ?? null,
    problems,
  };
}

const transportOf = (r: ConnectionRecord): Ja4Transport => (r.protocol === 'quic' ? 'quic' : r.protocol === 'dtls' ? 'dtls' : 'tcp');

/** TCP segments (or QUIC/DTLS datagrams) that carried the bytes, as boundaries of the hex view. */
function segmentBoundaries(c: CapturedBytes, r: ConnectionRecord): ByteBoundary[] {
  const unit = r.transport === 'tcp' ? 'TCP segment' : r.protocol === 'quic' ? 'CRYPTO data' : 'datagram';
  return c.pieces.map((p) => ({ at: p.at, length: p.length, kind: 'segment' as const, label: `${unit} of frame ${p.frame} (${p.length} bytes at file offset ${p.fileOffset})` }));
}

function hexSources(parse: TlsParse, mainId: string, extra: ByteBoundary[]): HexSource[] {
  return parse.sources.map((s: DataSource) => {
    const boundaries: ByteBoundary[] = [];
    if (s.id === mainId) {
      boundaries.push(...extra);
      for (const rec of parse.records) {
        const total = rec.fragmentEnd - rec.start;
        boundaries.push({ at: rec.start, length: total, kind: 'record', label: `TLS record: ${CONTENT_TYPES[rec.contentType] ?? `type ${rec.contentType}`}, ${rec.length} bytes` });
      }
    }
    for (const p of s.pieces ?? []) boundaries.push({ at: p.at, length: p.length, kind: 'segment', label: `from ${p.source} offset ${p.start}` });
    return { id: s.id, label: s.label, hex: toHex(s.bytes), boundaries: boundaries.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind)) };
  });
}

const asKnown = (m: ClientMatch | null): KnownClient | null => (m ? (({ entry, ...rest }) => ({ ...rest, source: entry.source }))(m) : null);

/**
 * The dissection view of TLS bytes (records, or a bare handshake message as QUIC CRYPTO data
 * holds it): field tree, hex source with record boundaries and `extra` ones, the fingerprints of
 * the ClientHello or ServerHello found. A string says why the bytes are not TLS.
 */
export function tlsBytesView(bytes: Uint8Array, id: string, title: string, transport: Ja4Transport = 'tcp', extra: ByteBoundary[] = [], labels: readonly KbEntry[] = []): { view: DissectionView; parse: TlsParse } | string {
  let parse: TlsParse;
  try {
    parse = parseTls(bytes, { tree: true, source: id, label: title });
  } catch (e) {
    if (e instanceof NotTlsError) return `${title}: ${e.message}`;
    throw e;
  }
  const fingerprints: Record<string, string> = {};
  const server = !parse.clientHello && !!parse.serverHello;
  let client: KnownClient | null | undefined;
  if (parse.clientHello) {
    const fp = fingerprintClientHello(parse.clientHello, { transport });
    Object.assign(fingerprints, { ja4: fp.ja4, ja4_r: fp.ja4_r, ja4_o: fp.ja4_o, ja4_ro: fp.ja4_ro, ja3: fp.ja3, ja3_full: fp.ja3_full, ja3n: fp.ja3n });
    const m = knownClient(fp, labels);
    client = asKnown(m);
  }
  if (parse.serverHello && server) {
    const fp = fingerprintServerHello(parse.serverHello, { transport });
    Object.assign(fingerprints, { ja4s: fp.ja4s, ja4s_r: fp.ja4s_r, ja3s: fp.ja3s, ja3s_full: fp.ja3s_full });
  }
  const kind = server ? 'server_hello' : 'client_hello';
  return { view: { id, kind, title, transport, sources: hexSources(parse, id, extra), fields: parse.fields, problems: parse.problems, fingerprints, ...(client !== undefined ? { client } : {}) }, parse };
}

const tlsView = (r: ConnectionRecord, c: CapturedBytes, id: string, title: string, labels: readonly KbEntry[]): ReturnType<typeof tlsBytesView> => tlsBytesView(c.bytes, id, title, transportOf(r), segmentBoundaries(c, r), labels);

/** The dissection view of one HTTP/1 request's bytes, with its JA4H forms. A string says why it could not be parsed. */
export function httpBytesView(bytes: Uint8Array, id: string, title: string, transport: Ja4Transport = 'tcp', extra: ByteBoundary[] = []): DissectionView | string {
  const p = parseHttp1Request(bytes, { tree: true, source: id });
  if (!p.request) return `${title}: ${p.problems[0]?.message ?? 'not an HTTP request'}`;
  const fp = computeJa4h(p.request);
  return {
    id, kind: 'http_request', title, transport, fields: p.request.fields ?? [], problems: p.problems,
    fingerprints: { ja4h: fp.ja4h, ja4h_r: fp.ja4h_r, ja4h_o: fp.ja4h_o, ja4h_ro: fp.ja4h_ro },
    client: asKnown(knownHttpClient({ ja4h: fp.ja4h })),
    sources: [{ id, label: 'HTTP request', hex: toHex(bytes), boundaries: extra }],
  };
}

function certificateView(der: Uint8Array, id: string, title: string, transport: Ja4Transport): DissectionView {
  const d = dissectCertificate(der, id);
  const fingerprints: Record<string, string> = {};
  try {
    const x = computeJa4x(der);
    fingerprints.ja4x = x.ja4x;
    if (x.ja4x_r) fingerprints.ja4x_r = x.ja4x_r;
  } catch { /* the dissection carries the problem */ }
  return {
    id, kind: 'certificate', title, transport, fields: d.fields, problems: d.problems, fingerprints,
    sources: d.sources.map((s) => ({ id: s.id, label: s.label, hex: toHex(s.bytes), boundaries: [] })),
  };
}

/**
 * Dissections of a conversation's ClientHello(s), ServerHello flight, certificates and plain
 * HTTP/1 requests, from the bytes kept on the record. `notes` says what could not be shown.
 */
export function connectionViews(r: ConnectionRecord, labels: readonly KbEntry[] = []): { views: DissectionView[]; notes: string[] } {
  const views: DissectionView[] = [];
  const notes: string[] = [];
  r.hellos.forEach((h, i) => {
    if (!h.captured) { notes.push(`ClientHello ${i + 1}: its bytes were not kept`); return; }
    const res = tlsView(r, h.captured, `hello-${i}`, r.hellos.length > 1 ? `ClientHello ${i + 1} (frame ${h.frame})` : `ClientHello (frame ${h.frame})`, labels);
    if (typeof res === 'string') notes.push(res); else views.push(res.view);
  });
  let certsFromFlight = 0;
  if (r.server_hello?.captured) {
    const res = tlsView(r, r.server_hello.captured, 'server-hello', `ServerHello flight (frame ${r.server_hello.frame})`, labels);
    if (typeof res === 'string') notes.push(res);
    else {
      views.push(res.view);
      // Certificates sent in clear (TLS <= 1.2) inside the server's flight.
      for (const m of res.parse.messages) {
        if (m.kind !== 'certificate') continue;
        m.certificates.forEach((c, j) => { views.push(certificateView(c.der, `cert-${certsFromFlight}-${j}`, `Certificate ${j + 1}${j === 0 ? ' (server)' : ''}`, transportOf(r))); });
        certsFromFlight++;
      }
    }
  } else if (r.server_hello) notes.push('ServerHello: its bytes were not kept');
  if (!certsFromFlight) {
    // Certificates known only from decryption (TLS 1.3 with a key log) keep their DER on the record.
    r.tls_certs.forEach((chain, i) => chain.x509.forEach((x, j) => {
      if (x.der) views.push(certificateView(x.der, `cert-${i}-${j}`, `Certificate ${j + 1}${j === 0 ? ' (server)' : ''}`, transportOf(r)));
    }));
  }
  r.http.forEach((q, i) => {
    if (!q.captured) return;
    const v = httpBytesView(q.captured.bytes, `http-${i}`, `${q.method} ${q.path} (frame ${q.frame})`, transportOf(r), segmentBoundaries(q.captured, r));
    if (typeof v === 'string') notes.push(v); else views.push(v);
  });
  return { views, notes };
}

/** What a diff needs of a conversation: its first hello's fingerprints and its first request's JA4H. */
export function diffSideOf(r: ConnectionRecord, name: string): DiffSide {
  const h = r.hellos[0], q = r.http[0];
  return {
    name,
    tls: h ? { name, ja4: h.ja4, ja4_r: h.ja4_r, ja4_ro: h.ja4_ro, ja3: h.ja3, ja3_full: h.ja3_full } : null,
    http: q ? { name, ja4h: q.ja4h, ...(q.ja4h_ro ? { ja4h_ro: q.ja4h_ro } : {}) } : null,
  };
}
