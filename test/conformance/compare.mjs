// Compares `helloscope read` records of one FoxIO capture with FoxIO's expected outputs:
// expected/rust-insta (Rust `ja4`, YAML), expected/python (`ja4.py`, JSON), expected/wireshark
// (the plugin, per frame; used for JA4TS, which only it computes) and the JA3 oracle
// expected/tshark-4.0.17-ja3 (Debian tshark). Pure functions; run.mjs drives the CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const METHODS = ['ja4', 'ja4s', 'ja4t', 'ja4ts', 'ja4l_c', 'ja4l_s', 'ja4x', 'ja4ssh', 'ja4h', 'ja3', 'ja3s'];

const readJson = (p) => { try { return JSON.parse(readFileSync(p, 'utf8')); } catch { return undefined; } };

/** Expected outputs of one capture, from each source present. */
export function loadExpected(conformanceDir, pcap) {
  const out = {};
  try {
    const text = readFileSync(join(conformanceDir, 'expected/rust-insta', `ja4__insta@${pcap}.snap`), 'utf8');
    out.rust = parse(text.replace(/^---[\s\S]*?---\n/, '')) ?? [];
  } catch { /* no snapshot */ }
  const py = readJson(join(conformanceDir, 'expected/python', `${pcap}.json`));
  if (py) out.python = py;
  const ws = readJson(join(conformanceDir, 'expected/wireshark', `${pcap}.json`));
  if (ws) out.wireshark = ws.map((r) => r._source.layers);
  try {
    const [head, ...rows] = readFileSync(join(conformanceDir, 'expected/tshark-4.0.17-ja3', `${pcap}.tsv`), 'utf8').trim().split('\n');
    const cols = head.split('\t');
    out.tshark = rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
  } catch { /* none */ }
  return out;
}

const arr = (x) => (x === undefined || x === null ? [] : Array.isArray(x) ? x : [x]);

/** What a `helloscope read` record says, in the shape the comparisons need. */
export function normalizeRecord(r) {
  const hellos = arr(r.hellos).length ? arr(r.hellos) : r.ja4 ? [{ ja4: r.ja4, ja3: r.ja3, ja3_full: r.ja3_full, frame: r.frame }] : [];
  return {
    transport: r.transport, stream: r.stream, src: r.src, dst: r.dst, src_port: Number(r.src_port), dst_port: Number(r.dst_port),
    ja4: hellos.map((h) => h.ja4), ja3: hellos.map((h) => h.ja3),
    ja4s: r.ja4s ?? r.server_hello?.ja4s, ja3s: r.ja3s ?? r.server_hello?.ja3s,
    ja4t: r.ja4t, ja4ts: r.ja4ts, ja4l_c: r.ja4l_c, ja4l_s: r.ja4l_s,
    ja4x: arr(r.tls_certs).flatMap((c) => arr(c.x509).map((x) => x.ja4x)),
    ja4ssh: arr(r.ja4ssh), ja4h: arr(r.http).map((h) => h.ja4h),
  };
}

const connKey = (t, src, sp, dst, dp) => `${t} ${src}:${sp} > ${dst}:${dp}`;
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Every check for one capture: { pcap, source, method, conn, expected, got, ok }.
 * `conn` names the conversation as the source does (addresses and ports, or stream for tshark).
 */
export function compareCapture(pcap, records, expected) {
  const ours = records.map(normalizeRecord);
  const checks = [];
  const add = (source, method, conn, exp, got) => checks.push({ pcap, source, method, conn, expected: exp, got: got ?? null, ok: same(exp, got ?? null) });
  const used = new Map();
  /** Our record for a conversation; repeated 4-tuples are taken in order. */
  const find = (source, t, src, sp, dst, dp) => {
    const k = `${source}|${connKey(t, src, sp, dst, dp)}`;
    const n = used.get(k) ?? 0;
    used.set(k, n + 1);
    const all = ours.filter((o) => (!t || o.transport === t) && o.src === src && o.dst === dst && o.src_port === Number(sp) && o.dst_port === Number(dp));
    return all[n] ?? all[all.length - 1];
  };

  for (const e of expected.rust ?? []) {
    const o = find('rust', e.transport, e.src, e.src_port, e.dst, e.dst_port);
    const conn = connKey(e.transport, e.src, e.src_port, e.dst, e.dst_port);
    if (e.ja4) add('rust', 'ja4', conn, e.ja4, o?.ja4[0]);
    for (const m of ['ja4s', 'ja4t', 'ja4l_c', 'ja4l_s']) if (e[m]) add('rust', m, conn, e[m], o?.[m]);
    const x = arr(e.tls_certs).flatMap((c) => arr(c.x509).map((v) => v.ja4x));
    if (x.length) add('rust', 'ja4x', conn, x, o?.ja4x);
    if (arr(e.ja4ssh).length) add('rust', 'ja4ssh', conn, arr(e.ja4ssh), o?.ja4ssh);
    const h = arr(e.http).map((v) => v.ja4h);
    if (h.length) add('rust', 'ja4h', conn, h, o?.ja4h);
  }

  // Python writes one record per stream (and extra records per HTTP request on the same stream).
  const pyByConn = new Map();
  for (const e of expected.python ?? []) {
    // Python does not say which transport (its QUIC records carry only JA4L).
    const conn = connKey('?', e.src, e.srcport, e.dst, e.dstport);
    const acc = pyByConn.get(conn) ?? { e, ja4: [], ja4x: [], ja4ssh: [], ja4h: [] };
    const numbered = (prefix) => Object.keys(e).filter((k) => k.startsWith(`${prefix}.`)).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).map((k) => e[k]);
    acc.ja4.push(...numbered('JA4'));
    acc.ja4x.push(...numbered('JA4X'));
    acc.ja4ssh.push(...numbered('JA4SSH'));
    if (e.JA4H) acc.ja4h.push(e.JA4H);
    for (const [k, m] of [['JA4S', 'ja4s'], ['JA4L-C', 'ja4l_c'], ['JA4L-S', 'ja4l_s']]) if (e[k]) acc[m] = e[k];
    pyByConn.set(conn, acc);
  }
  for (const [conn, acc] of pyByConn) {
    const e = acc.e;
    const o = find('python', undefined, e.src, e.srcport, e.dst, e.dstport);
    if (acc.ja4.length) add('python', 'ja4', conn, acc.ja4, o?.ja4);
    for (const m of ['ja4s', 'ja4l_c', 'ja4l_s']) if (acc[m]) add('python', m, conn, acc[m], o?.[m]);
    if (acc.ja4x.length) add('python', 'ja4x', conn, acc.ja4x, o?.ja4x);
    if (acc.ja4ssh.length) add('python', 'ja4ssh', conn, acc.ja4ssh, o?.ja4ssh);
    if (acc.ja4h.length) add('python', 'ja4h', conn, acc.ja4h, o?.ja4h);
  }

  // JA4TS: only the Wireshark plugin computes it, on every SYN-ACK frame (retransmissions too).
  // Compare the distinct values per capture (our records do not carry the SYN-ACK's frame
  // number). A fifth part is JA4TScan's retransmission timing, which Helloscope does not compute.
  const wsTs = [...new Set((expected.wireshark ?? []).flatMap((l) => arr(l['ja4.ja4ts'])).filter((v) => v.split('_').length === 4))];
  const oursTs = new Set(ours.map((o) => o.ja4ts).filter(Boolean));
  for (const v of wsTs) add('wireshark', 'ja4ts', 'capture', v, oursTs.has(v) ? v : null);

  // JA3 / JA3S from Debian tshark 4.0.17, per stream in frame order.
  const ja3ByStream = new Map();
  for (const row of expected.tshark ?? []) {
    const t = row['tcp.stream'] !== '' ? 'tcp' : 'udp';
    const stream = Number(row['tcp.stream'] !== '' ? row['tcp.stream'] : row['udp.stream']);
    const k = `${t} stream ${stream}`;
    const acc = ja3ByStream.get(k) ?? { t, stream, ja3: [], ja3s: [] };
    const ja3 = row['tls.handshake.ja3'] || row['dtls.handshake.ja3'];
    const ja3s = row['tls.handshake.ja3s'] || row['dtls.handshake.ja3s'];
    if (ja3) acc.ja3.push(...ja3.split(','));
    if (ja3s) acc.ja3s.push(...ja3s.split(','));
    ja3ByStream.set(k, acc);
  }
  for (const [k, acc] of ja3ByStream) {
    const o = ours.find((r) => r.transport === acc.t && r.stream === acc.stream);
    if (acc.ja3.length) add('tshark', 'ja3', k, acc.ja3, o?.ja3);
    if (acc.ja3s.length) add('tshark', 'ja3s', k, acc.ja3s[0], o?.ja3s);
  }
  return checks;
}

/** Pass/fail counts per method and source. */
export function summarize(checks) {
  const t = {};
  for (const c of checks) {
    const row = (t[c.method] ??= {});
    const cell = (row[c.source] ??= { pass: 0, fail: 0 });
    cell[c.ok ? 'pass' : 'fail']++;
  }
  return t;
}
