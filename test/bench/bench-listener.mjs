#!/usr/bin/env node
// `npm run bench:listener`: TLS handshakes (each with one HTTP/1.1 request and its answer)
// served by the fingerprinting listener versus a plain node:tls server with the same certificate
// answering the same request, in the same run, on 127.0.0.1. Each server runs in its own
// process; the clients run here with a fixed concurrency. Reported per server: the server's
// capacity = connections served per second of the server process's own CPU time (all its
// threads: handshakes, parsing, fingerprinting, logging, garbage collection), which does not
// depend on how fast the client side is, and the rate the clients saw (bounded by the clients,
// which share the two cores with the server).
//
// The three servers are up at the same time and take turns: after BENCH_WARMUP connections each
// (so all are measured in their steady state, not while V8 is still compiling), BENCH_CYCLES
// cycles of one batch of BENCH_BATCH connections per server, in an order that alternates. A
// machine whose speed drifts over a run (a virtual machine's neighbours) then slows all three
// alike within a cycle, and the ratio of each cycle's batches cancels the drift: the figures are
// medians of the per-cycle ratios. Server CPU is read from each server (process.cpuUsage) before
// and after its batch.
//
// The third server, `hello-read`, is the plain one entered the listener's way (the whole
// ClientHello read off the raw socket in JavaScript, then handed to node:tls with the socket): what any
// fingerprinting server on node:tls pays before it fingerprints anything. The plain servers answer
// a body of exactly the size of the listener's /fps answer (measured here first), so all send the
// same number of bytes. The listener starts on a full window (a log of BENCH_WINDOW_MB of its own
// lines, read back on start), as a listener that has been running for a while: every new record
// pushes an old one out.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startListener } from '../../dist/services/listener.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const REQUEST = 'GET /fps HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n\r\n';
const env = (k, d) => Number(process.env[k] ?? d);
const CYCLES = env('BENCH_CYCLES', 20), BATCH = env('BENCH_BATCH', 800), CONC = env('BENCH_CONCURRENCY', 32), WARMUP = env('BENCH_WARMUP', 2000);
const WINDOW_MB = env('BENCH_WINDOW_MB', 50);
const root = mkdtempSync(join(tmpdir(), 'hs-bench-listener-'));
const certDir = join(root, 'cert');

function one(port) {
  return new Promise((res) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => s.write(REQUEST));
    let ok = false, bytes = 0;
    s.on('data', (d) => { bytes += d.length; if (!ok && d.toString('latin1').startsWith('HTTP/1.1 200')) ok = true; });
    s.on('close', () => res(ok ? bytes : 0));
    s.on('error', () => res(0));
  });
}
async function batch(port, n) {
  let next = 0, good = 0, bytes = 0;
  await Promise.all(Array.from({ length: CONC }, async () => { while (next++ < n) { const b = await one(port); if (b) { good++; bytes = b; } } }));
  return { good, bytes };
}

// The certificate (made once, used by all three) and the size of the listener's answer to the
// benchmark's request; its log line, to fill the listener's window with.
const probe = await startListener({ host: '127.0.0.1', port: 0, dataDir: certDir });
const answer = await new Promise((res, rej) => {
  const s = tls.connect({ host: '127.0.0.1', port: probe.port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => s.write(REQUEST));
  const parts = [];
  s.on('data', (d) => parts.push(d));
  s.on('close', () => res(Buffer.concat(parts).toString('latin1')));
  s.on('error', rej);
});
await probe.stop();
const answerBody = Buffer.byteLength(answer.slice(answer.indexOf('\r\n\r\n') + 4), 'latin1');
const sample = JSON.parse(readFileSync(join(certDir, 'observations.ndjson'), 'utf8').trim().split('\n')[0]);

function dataDir(mode) {
  const d = join(root, mode);
  mkdirSync(d);
  for (const f of ['listener-cert.pem', 'listener-key.pem', 'listener-rsa-cert.pem', 'listener-rsa-key.pem']) copyFileSync(join(certDir, f), join(d, f));
  if (mode === 'listener' && WINDOW_MB > 0) {
    const lines = [];
    let size = 0;
    for (let id = 1; size < WINDOW_MB * 1e6 * 1.02; id++) {
      const l = JSON.stringify({ ...sample, id, port: 1024 + (id % 60000), time_ms: sample.time_ms - 1e6 + id });
      lines.push(l);
      size += l.length + 1;
    }
    writeFileSync(join(d, 'observations.ndjson'), lines.join('\n') + '\n', { mode: 0o600 });
  }
  return d;
}
function server(mode) {
  const p = spawn(process.execPath, [join(here, 'listener-server.mjs'), mode, dataDir(mode), String(answerBody)], { stdio: ['pipe', 'pipe', 'inherit'] });
  p.stdout.setEncoding('utf8');
  const lines = [];
  let waiting;
  p.stdout.on('data', (d) => { for (const l of d.split('\n').filter(Boolean)) { lines.push(l); waiting?.(); } });
  const next = () => new Promise((r) => { if (lines.length) r(lines.shift()); else waiting = () => { waiting = undefined; r(lines.shift()); }; });
  const ask = async (cmd) => { p.stdin.write(cmd + '\n'); return next(); };
  return { mode, p, next, ask, cpuUs: async () => Number(await ask('cpu')), batches: [] };
}

const modes = ['plain', 'hello-read', 'listener'];
const servers = modes.map(server);
for (const s of servers) s.port = Number(await s.next());
for (const s of servers) await batch(s.port, WARMUP);
for (let c = 0; c < CYCLES; c++) {
  const order = c % 2 ? [...servers].reverse() : servers;
  for (const s of order) {
    const before = await s.cpuUs();
    const t0 = performance.now();
    const { good, bytes } = await batch(s.port, BATCH);
    const wall = (performance.now() - t0) / 1000;
    const cpu = ((await s.cpuUs()) - before) / 1e6;
    s.batches.push({ good, bytes, capacity: good / cpu, wallRate: good / wall });
    console.error(`cycle ${c + 1} ${s.mode}: ${good}/${BATCH} ok, ${bytes} bytes per answer, ${(good / wall).toFixed(0)}/s seen by the clients, ${(good / cpu).toFixed(0)} per server CPU-second`);
  }
}
for (const s of servers) { s.p.stdin.write('stats\n'); await once(s.p, 'exit'); }

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const [plain, floor, listener] = servers;
const of = (s, k) => median(s.batches.map((b) => b[k]));
const ratio = (a, b, k) => s2(median(a.batches.map((x, i) => x[k] / b.batches[i][k])));
const s2 = (x) => x.toFixed(2);
const failed = servers.reduce((n, s) => n + s.batches.reduce((m, b) => m + (BATCH - b.good), 0), 0);
console.log(`\n${CYCLES} cycles of ${BATCH} connections per server after ${WARMUP} warm-up connections each, concurrency ${CONC}, answers of ${listener.batches[0].bytes} bytes from all three, the listener on a full window (${WINDOW_MB} MB), node ${process.version}${failed ? `; ${failed} connections failed` : ''}\n`);
console.log('| server | connections per server CPU-second (median batch) | connections/s seen by the clients (median batch) |');
console.log('| --- | --- | --- |');
console.log(`| plain node:tls (same certificate, same answer size) | ${of(plain, 'capacity').toFixed(0)} | ${of(plain, 'wallRate').toFixed(0)} |`);
console.log(`| node:tls after reading the ClientHello in JavaScript (the listener's floor) | ${of(floor, 'capacity').toFixed(0)} | ${of(floor, 'wallRate').toFixed(0)} |`);
console.log(`| helloscope listener (fingerprinting, logging) | ${of(listener, 'capacity').toFixed(0)} | ${of(listener, 'wallRate').toFixed(0)} |`);
console.log(`\nratio listener/plain (median of the per-cycle ratios): ${ratio(listener, plain, 'capacity')} server CPU capacity, ${ratio(listener, plain, 'wallRate')} client-observed`);
console.log(`floor/plain: ${ratio(floor, plain, 'capacity')} server CPU capacity; listener/floor: ${ratio(listener, floor, 'capacity')}`);
console.log(`per-cycle CPU capacity ratios listener/plain: ${listener.batches.map((x, i) => s2(x.capacity / plain.batches[i].capacity)).join(' ')}`);
process.exit(failed ? 1 : 0);
