#!/usr/bin/env node
// `npm run bench:capture [-- --size 1G|256M|...] [--profile dense|realistic|both] [--rounds N] [--keep] [--build-only]`:
// builds large captures by replicating real recorded connections (each copy with its own client
// address and port, correct IP and TCP checksums, increasing timestamps), then times, in the same
// run, `helloscope read` and `tshark -r F -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3`
// on each, each writing its output to a file (`tool > out`; counted afterwards): wall time, MB/s
// and peak RSS (GNU time), and the ratios. Each round runs both tools
// one after the other (which goes first alternates); the ratio of a round compares two runs made
// moments apart, so a machine that is slower for a while slows both. The table gives the medians
// (the largest peak RSS) and the ratio is the median of the rounds' ratios (3 rounds by default:
// one run of either tool can be 10-30 % off on a shared machine). Two profiles:
//   dense      the 24 client recordings of test/fixtures/clients: handshakes and a few small
//              requests only, one ClientHello every ~3.7 KB (the worst case for per-connection work)
//   realistic  test/bench/recordings/downloads.pcap: curl, wget and Python downloading 4 KB to
//              1 MB files over HTTPS (MTU 1500, test/tools/record-downloads.sh), one ClientHello
//              every ~300 KB
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const sizeArg = opt('--size', '1G');
const units = { K: 1 << 10, M: 1 << 20, G: 1 << 30 };
const target = Math.round(parseFloat(sizeArg) * (units[sizeArg.slice(-1).toUpperCase()] ?? 1));
const profileArg = opt('--profile', 'both');
const profiles = profileArg === 'both' ? ['dense', 'realistic'] : [profileArg];
const rounds = Math.max(1, Number(opt('--rounds', '3')) || 1);

// ---- read the recorded captures (classic pcap, Ethernet, little endian) ----
function packetsOf(file) {
  const b = readFileSync(file);
  const le = b.readUInt32BE(0) === 0xd4c3b2a1;
  if (!le || b.readUInt32LE(20) !== 1) return [];
  const out = [];
  for (let off = 24; off + 16 <= b.length;) {
    const cap = b.readUInt32LE(off + 8);
    const d = Buffer.from(b.subarray(off + 16, off + 16 + cap));
    out.push({ ts: b.readUInt32LE(off) * 1e6 + b.readUInt32LE(off + 4), d });
    off += 16 + cap;
  }
  return out;
}

function l3(d) {
  const et = d.readUInt16BE(12);
  if (et === 0x0800) return { v: 4, ip: 14, l4: 14 + (d[14] & 15) * 4, proto: d[23] };
  if (et === 0x86dd) return { v: 6, ip: 14, l4: 54, proto: d[20] };
  return null;
}

const isSyn = (p) => { const h = l3(p.d); return (p.d[h.l4 + 13] & 0x12) === 0x02; };
const dstPort = (p) => p.d.readUInt16BE(l3(p.d).l4 + 2);
/**
 * A recording's packets, its server ports, and its client ports numbered in order of first
 * appearance: each recorded connection gets a port of its own in every copy (a recording with
 * several connections, such as a browser's, had them all on one port in a copy, so tshark and
 * helloscope saw one connection reusing the port of another still open).
 */
const template = (id, pk) => {
  const serverPorts = new Set(pk.filter(isSyn).map(dstPort));
  const clientPorts = new Map();
  for (const p of pk) {
    const h = l3(p.d);
    const sport = p.d.readUInt16BE(h.l4), dport = p.d.readUInt16BE(h.l4 + 2);
    const c = serverPorts.has(sport) ? dport : sport;
    if (!clientPorts.has(c)) clientPorts.set(c, clientPorts.size);
  }
  return { id, pk, serverPorts, clientPorts, t0: pk[0].ts };
};

function denseTemplates() {
  const out = [];
  for (const id of readdirSync(join(ROOT, 'test/fixtures/clients')).sort()) {
    const pk = packetsOf(join(ROOT, 'test/fixtures/clients', id, 'capture.pcap')).filter((p) => l3(p.d)?.proto === 6);
    if (pk.length) out.push(template(id, pk));
  }
  return out;
}

/** One template per TCP connection of the recording (they share the client address). */
function realisticTemplates() {
  const by = new Map();
  for (const p of packetsOf(join(ROOT, 'test/bench/recordings/downloads.pcap'))) {
    const h = l3(p.d);
    if (h?.proto !== 6) continue;
    const a = p.d.readUInt16BE(h.l4), b = p.d.readUInt16BE(h.l4 + 2);
    const k = Math.min(a, b) + ':' + Math.max(a, b);
    if (!by.has(k)) by.set(k, []);
    by.get(k).push(p);
  }
  return [...by].map(([k, pk]) => template(k, pk));
}

function sum16(buf, start, end, acc = 0) {
  for (let i = start; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if ((end - start) & 1) acc += buf[end - 1] << 8;
  return acc;
}
const fold = (s) => { while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return (~s) & 0xffff; };

function rewrite(p, copy, k, base) {
  const d = Buffer.from(p.d);
  const h = l3(d);
  const sport = d.readUInt16BE(h.l4), dport = d.readUInt16BE(h.l4 + 2);
  const fromServer = base.serverPorts.has(sport);
  const cport = 1024 + ((copy % 64000) + base.clientPorts.get(fromServer ? dport : sport)) % 64512;
  if (fromServer) d.writeUInt16BE(cport, h.l4 + 2); else d.writeUInt16BE(cport, h.l4);
  const c = [10, (copy >> 16) & 255, (copy >> 8) & 255, copy & 255];
  if (h.v === 4) {
    const cAt = fromServer ? h.ip + 16 : h.ip + 12, sAt = fromServer ? h.ip + 12 : h.ip + 16;
    d.set(c, cAt);
    d.set([192, 168, 0, 1 + (k % 200)], sAt);
    d.writeUInt16BE(0, h.ip + 10);
    d.writeUInt16BE(fold(sum16(d, h.ip, h.l4)), h.ip + 10);
  } else {
    const cAt = fromServer ? h.ip + 24 : h.ip + 8, sAt = fromServer ? h.ip + 8 : h.ip + 24;
    d.set([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...c], cAt);
    d.set([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 168, 0, 1 + (k % 200)], sAt);
  }
  // TCP checksum over the pseudo-header and segment.
  const len = (h.v === 4 ? h.ip + d.readUInt16BE(h.ip + 2) : h.ip + 40 + d.readUInt16BE(h.ip + 4)) - h.l4;
  d.writeUInt16BE(0, h.l4 + 16);
  let s = h.v === 4 ? sum16(d, h.ip + 12, h.ip + 20) + 6 + len : sum16(d, h.ip + 8, h.ip + 40) + 6 + len;
  s = sum16(d, h.l4, h.l4 + len, s);
  d.writeUInt16BE(fold(s), h.l4 + 16);
  return d;
}

const dir = mkdtempSync(join(tmpdir(), 'hs-bench-capture-'));

function buildCapture(profile) {
  const templates = profile === 'dense' ? denseTemplates() : realisticTemplates();
  const file = join(dir, `${profile}.pcap`);
  const fd = openSync(file, 'w');
  const gh = Buffer.alloc(24);
  gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(262144, 16); gh.writeUInt32LE(1, 20);
  writeSync(fd, gh);
  let written = 24, copy = 0, handshakes = 0;
  let ts = 1_700_000_000 * 1e6;
  const batch = [];
  let batchLen = 0;
  console.error(`building a ${(target / 1048576).toFixed(0)} MB ${profile} capture from ${templates.length} ${profile === "dense" ? "client recordings" : "recorded connections"}...`);
  const hellosOf = templates.map((t) => t.pk.filter((p) => { const h = l3(p.d); const pay = p.d.subarray(h.l4 + (p.d[h.l4 + 12] >> 4) * 4); return pay[0] === 22 && pay[5] === 1; }).length);
  while (written < target) {
    const k = copy % templates.length;
    const t = templates[k];
    for (const p of t.pk) {
      const d = rewrite(p, copy, copy, t);
      const rh = Buffer.alloc(16);
      const pts = ts + (p.ts - t.t0);
      rh.writeUInt32LE(Math.floor(pts / 1e6), 0); rh.writeUInt32LE(pts % 1e6, 4); rh.writeUInt32LE(d.length, 8); rh.writeUInt32LE(d.length, 12);
      batch.push(rh, d); batchLen += 16 + d.length;
    }
    handshakes += hellosOf[k];
    ts += 1000;
    copy++;
    if (batchLen > 8 << 20) { writeSync(fd, Buffer.concat(batch)); written += batchLen; batch.length = 0; batchLen = 0; }
  }
  if (batch.length) { writeSync(fd, Buffer.concat(batch)); written += batchLen; }
  // On disk before anything is timed: the kernel writing a fresh 1 GiB back while the first
  // round runs slowed that round's first tool by ~15 %.
  fsyncSync(fd);
  closeSync(fd);
  const size = statSync(file).size;
  console.error(`${file}: ${(size / 1048576).toFixed(0)} MB, ${copy} copies of the recordings, ~${handshakes} ClientHellos (one per ${(size / handshakes / 1024).toFixed(1)} KB)`);
  return { profile, file, size, copies: copy, handshakes, templates: templates.length };
}

/**
 * Runs a tool with its output written to a file, as `tool > out` would: the output is counted
 * afterwards. (Collected through a pipe by this process, helloscope's ~300 MB of ndjson on the
 * dense profile cost ~0.3 s of this process's CPU on the same two cores during the run, which
 * tshark's 8 MB of JA3 lines did not.)
 */
function timed(cmd, argv) {
  const outFile = join(dir, 'tool-output.txt');
  const out = openSync(outFile, 'w');
  let r;
  try {
    r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', out, 'pipe'] });
  } finally {
    closeSync(out);
  }
  const last = r.stderr.trim().split('\n').pop().split(' ');
  const lines = countLines(outFile);
  rmSync(outFile, { force: true });
  return { wall: Number(last[0]), rssMb: Number(last[1]) / 1024, cpu: Number(last[2]) + Number(last[3]), lines, status: r.status };
}

/** Non-empty lines of a file, read in chunks. */
function countLines(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let n = 0, prev = 0x0a, got;
  try {
    while ((got = readSync(fd, buf, 0, buf.length, null)) > 0) {
      for (let i = 0; i < got; i++) {
        const b = buf[i];
        if (b === 0x0a && prev !== 0x0a) n++;
        prev = b;
      }
    }
  } finally {
    closeSync(fd);
  }
  return prev !== 0x0a ? n + 1 : n;
}

const cli = join(ROOT, 'dist/cli/helloscope.mjs');
const rows = [];
const results = [];
for (const profile of profiles) {
  const c = buildCapture(profile);
  if (args.includes('--build-only')) { console.log(c.file); continue; }
  const runs = { ours: [], tshark: [] };
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    const one = { ours: () => timed(process.execPath, [cli, 'read', c.file, '--format', 'ndjson']), tshark: () => timed('tshark', ['-r', c.file, '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tls.handshake.ja3']) };
    const order = i % 2 === 0 ? ['ours', 'tshark'] : ['tshark', 'ours'];
    const got = {};
    for (const k of order) { got[k] = one[k](); runs[k].push(got[k]); }
    ratios.push(got.tshark.wall / got.ours.wall);
    console.error(`${profile} round ${i + 1}/${rounds}: helloscope ${got.ours.wall.toFixed(2)} s, tshark ${got.tshark.wall.toFixed(2)} s, ${ratios[i].toFixed(1)}x`);
  }
  const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a.length % 2 ? a[(a.length - 1) >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2; };
  const summary = (xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), rssMb: Math.max(...xs.map((x) => x.rssMb)), lines: xs[0].lines, status: xs.find((x) => x.status !== 0)?.status ?? 0 });
  const ours = summary(runs.ours), tshark = summary(runs.tshark);
  const mb = c.size / 1048576;
  const mbs = (x) => mb / x.wall;
  const row = (name, x, what) => `| ${profile} | ${name} | ${x.wall.toFixed(2)} s | ${x.cpu.toFixed(2)} s | ${mbs(x).toFixed(1)} MB/s | ${x.rssMb.toFixed(0)} MB | ${x.lines} ${what} |`;
  rows.push(row('helloscope read (ndjson)', ours, 'conversation records'), row('tshark -Y tls.handshake.type==1 -e tls.handshake.ja3', tshark, 'JA3 lines'));
  results.push(`${profile}: ${mb.toFixed(0)} MB, ${c.copies} copies of ${c.templates} ${profile === "dense" ? "client recordings (of one or more connections each)" : "recorded connections"}, one ClientHello per ${(c.size / c.handshakes / 1024).toFixed(1)} KB; ` +
    `throughput ratio helloscope/tshark **${median(ratios).toFixed(1)}x** (median of ${rounds} round${rounds > 1 ? 's' : ''}: ${ratios.map((r) => r.toFixed(1) + 'x').join(' ')}), peak RSS ratio ${(ours.rssMb / tshark.rssMb).toFixed(2)}` +
    (ours.status !== 0 || tshark.status !== 0 ? ` (exit status: helloscope ${ours.status}, tshark ${tshark.status})` : ''));
  if (!args.includes('--keep')) rmSync(c.file, { force: true });
}
console.log(`\nnode ${process.version}\n`);
console.log(`${rounds} round${rounds > 1 ? 's' : ''} per profile: medians of wall and CPU time, the largest peak RSS\n`);
console.log('| profile | tool | wall | CPU (user+sys) | throughput | peak RSS | output |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log('');
for (const r of results) console.log(r);
if (!args.includes('--keep') && !args.includes('--build-only')) rmSync(dir, { recursive: true, force: true });
else console.log(`\ncaptures kept in ${dir}`);
