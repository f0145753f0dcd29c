#!/usr/bin/env node
// `npm run bench:capture [-- --size 1G|256M|...] [--keep]`: builds a large capture by replicating
// the real handshakes recorded in test/fixtures/clients (each copy with its own client address and
// port, correct IP and TCP checksums, increasing timestamps), then times, in the same run,
// `helloscope read` and `tshark -r F -Y tls.handshake.type==1 -T fields -e tls.handshake.ja3` on
// it: wall time, MB/s and peak RSS (GNU time), and the ratios.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const sizeArg = args.includes('--size') ? args[args.indexOf('--size') + 1] : '1G';
const units = { K: 1 << 10, M: 1 << 20, G: 1 << 30 };
const target = Math.round(parseFloat(sizeArg) * (units[sizeArg.slice(-1).toUpperCase()] ?? 1));

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

const templates = [];
for (const id of readdirSync(join(ROOT, 'test/fixtures/clients')).sort()) {
  const pk = packetsOf(join(ROOT, 'test/fixtures/clients', id, 'capture.pcap')).filter((p) => l3(p.d)?.proto === 6);
  if (!pk.length) continue;
  const serverPorts = new Set(pk.filter((p) => { const h = l3(p.d); const fl = p.d[h.l4 + 13]; return (fl & 0x12) === 0x02; }).map((p) => p.d.readUInt16BE(l3(p.d).l4 + 2)));
  templates.push({ id, pk, serverPorts, t0: pk[0].ts });
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
  const cport = 1024 + (copy % 64000);
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
const file = join(dir, 'bench.pcap');
const fd = openSync(file, 'w');
const gh = Buffer.alloc(24);
gh.writeUInt32LE(0xa1b2c3d4, 0); gh.writeUInt16LE(2, 4); gh.writeUInt16LE(4, 6); gh.writeUInt32LE(262144, 16); gh.writeUInt32LE(1, 20);
writeSync(fd, gh);
let written = 24, copy = 0, handshakes = 0;
let ts = 1_700_000_000 * 1e6;
const batch = [];
let batchLen = 0;
console.error(`building a ${(target / 1048576).toFixed(0)} MB capture from ${templates.length} recorded clients...`);
while (written < target) {
  const t = templates[copy % templates.length];
  for (const p of t.pk) {
    const d = rewrite(p, copy, copy, t);
    const rh = Buffer.alloc(16);
    const pts = ts + (p.ts - t.t0);
    rh.writeUInt32LE(Math.floor(pts / 1e6), 0); rh.writeUInt32LE(pts % 1e6, 4); rh.writeUInt32LE(d.length, 8); rh.writeUInt32LE(d.length, 12);
    batch.push(rh, d); batchLen += 16 + d.length;
  }
  handshakes += t.pk.filter((p) => { const h = l3(p.d); const pay = p.d.subarray(h.l4 + (p.d[h.l4 + 12] >> 4) * 4); return pay[0] === 22 && pay[5] === 1; }).length;
  ts += 1000;
  copy++;
  if (batchLen > 8 << 20) { writeSync(fd, Buffer.concat(batch)); written += batchLen; batch.length = 0; batchLen = 0; }
}
if (batch.length) { writeSync(fd, Buffer.concat(batch)); written += batchLen; }
closeSync(fd);
const size = statSync(file).size;
console.error(`${file}: ${(size / 1048576).toFixed(0)} MB, ${copy} connections replicated, ~${handshakes} ClientHellos`);

function timed(cmd, argv) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const last = r.stderr.trim().split('\n').pop().split(' ');
  return { wall: Number(last[0]), rssMb: Number(last[1]) / 1024, lines: r.stdout.split('\n').filter(Boolean).length, status: r.status };
}

const cli = join(ROOT, 'dist/cli/helloscope.mjs');
const ours = timed(process.execPath, [cli, 'read', file, '--format', 'ndjson']);
const tshark = timed('tshark', ['-r', file, '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tls.handshake.ja3']);
const mbs = (x) => size / 1048576 / x.wall;
const row = (name, x, what) => `| ${name} | ${x.wall.toFixed(2)} s | ${mbs(x).toFixed(1)} MB/s | ${x.rssMb.toFixed(0)} MB | ${x.lines} ${what} |`;
console.log(`\nCapture: ${(size / 1048576).toFixed(0)} MB, ${copy} TCP connections (${templates.length} recorded clients replicated), node ${process.version}\n`);
console.log('| tool | wall | throughput | peak RSS | output |');
console.log('| --- | --- | --- | --- | --- |');
console.log(row('helloscope read (ndjson)', ours, 'conversation records'));
console.log(row('tshark -Y tls.handshake.type==1 -e tls.handshake.ja3', tshark, 'JA3 lines'));
console.log(`\nthroughput ratio helloscope/tshark: ${(mbs(ours) / mbs(tshark)).toFixed(1)}x; peak RSS ratio: ${(ours.rssMb / tshark.rssMb).toFixed(2)}`);
if (ours.status !== 0 || tshark.status !== 0) console.log(`(exit status: helloscope ${ours.status}, tshark ${tshark.status})`);
if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
