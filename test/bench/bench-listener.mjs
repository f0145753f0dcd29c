#!/usr/bin/env node
// `npm run bench:listener`: TLS handshakes per second (each with one HTTP/1.1 request and its
// answer) served by the fingerprinting listener versus a plain node:tls server with the same
// certificate answering the same request, in the same run, on 127.0.0.1. Each server runs in
// its own process; the clients run here with a fixed concurrency. Reported per server: the wall
// rate the clients saw, and the server's capacity = connections served per second of the
// server process's own CPU time (what one core spent on handshakes, parsing, fingerprinting,
// logging), which does not depend on how fast the client side is. Ratios of both.
// Each server gets BENCH_WARMUP connections (default 1000) before the measured round, so both
// are measured in their steady state rather than while V8 is still compiling their hot code;
// the plain server answers a body of exactly the size of the listener's /fps answer (measured
// here first), so both send the same number of bytes. Figures are medians over the rounds.
// A third server, `hello-read`, is the plain one entered the listener's way (the whole ClientHello
// read off the raw socket in JavaScript, put back, then node:tls): what any fingerprinting server
// on node:tls pays before it fingerprints anything, so the report shows how much of the gap is that.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startListener } from '../../dist/services/listener.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const REQUEST = 'GET /fps HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n\r\n';
const N = Number(process.env.BENCH_CONNECTIONS ?? 3000), CONC = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5), WARMUP = Number(process.env.BENCH_WARMUP ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'hs-bench-listener-'));
// Make the certificate once so both servers use the same one, and measure the size of the
// listener's answer to the benchmark's request so the plain server can send as many bytes.
const probe = await startListener({ host: '127.0.0.1', port: 0, dataDir: mkdtempSync(join(tmpdir(), 'hs-bench-probe-')) });
const answer = await new Promise((res, rej) => {
  const s = tls.connect({ host: '127.0.0.1', port: probe.port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => s.write(REQUEST));
  const parts = [];
  s.on('data', (d) => parts.push(d));
  s.on('close', () => res(Buffer.concat(parts).toString('latin1')));
  s.on('error', rej);
});
await probe.stop();
const answerBody = Buffer.byteLength(answer.slice(answer.indexOf('\r\n\r\n') + 4), 'latin1');
await (await startListener({ host: '127.0.0.1', port: 0, dataDir })).stop();

function server(mode) {
  const p = spawn(process.execPath, [join(here, 'listener-server.mjs'), mode, dataDir, String(answerBody)], { stdio: ['pipe', 'pipe', 'inherit'] });
  p.stdout.setEncoding('utf8');
  const lines = [];
  let waiting;
  p.stdout.on('data', (d) => { for (const l of d.split('\n').filter(Boolean)) { lines.push(l); waiting?.(); } });
  const next = () => new Promise((r) => { if (lines.length) r(lines.shift()); else waiting = () => { waiting = undefined; r(lines.shift()); }; });
  return { p, next, send: (s) => p.stdin.write(s + '\n') };
}
function one(port) {
  return new Promise((res) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => s.write(REQUEST));
    let ok = false, bytes = 0;
    s.on('data', (d) => { bytes += d.length; if (!ok && d.toString('latin1').startsWith('HTTP/1.1 200')) ok = true; });
    s.on('close', () => res(ok ? bytes : 0));
    s.on('error', () => res(0));
  });
}
async function round(mode) {
  const srv = server(mode);
  const port = Number(await srv.next());
  let warm = 0, bytes = 0;
  await Promise.all(Array.from({ length: CONC }, async () => { while (warm++ < WARMUP) bytes = (await one(port)) || bytes; }));
  srv.send('reset');
  await srv.next();
  let next = 0, good = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, async () => { while (next++ < N) if (await one(port)) good++; }));
  const wall = (performance.now() - t0) / 1000;
  srv.send('stats');
  const cpu = Number(await srv.next());
  await once(srv.p, 'exit');
  return { wallRate: good / wall, capacity: good / cpu, good, bytes };
}
const runs = { plain: [], 'hello-read': [], listener: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of Object.keys(runs)) {
    const x = await round(mode);
    runs[mode].push(x);
    console.error(`round ${r + 1} ${mode}: ${x.good} ok, ${x.bytes} bytes per answer, ${x.wallRate.toFixed(0)}/s seen by the clients, ${x.capacity.toFixed(0)} per server CPU-second`);
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const best = Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, { wallRate: median(xs.map((x) => x.wallRate)), capacity: median(xs.map((x) => x.capacity)) }]));
// Per-round ratios (each pair ran back to back, so they share the machine's load of the moment).
const pairRatios = runs.plain.map((p, i) => ({ wall: runs.listener[i].wallRate / p.wallRate, cpu: runs.listener[i].capacity / p.capacity }));
console.log(`\n${N} connections per round after ${WARMUP} warm-up connections, concurrency ${CONC}, ${ROUNDS} rounds (medians), answers of ${runs.listener[0].bytes} bytes from both servers, node ${process.version}\n`);
console.log('| server | connections/s seen by the clients | connections per server CPU-second |');
console.log('| --- | --- | --- |');
console.log(`| plain node:tls (same certificate, same answer size) | ${best.plain.wallRate.toFixed(0)} | ${best.plain.capacity.toFixed(0)} |`);
console.log(`| node:tls after reading the ClientHello in JavaScript (the listener's floor) | ${best['hello-read'].wallRate.toFixed(0)} | ${best['hello-read'].capacity.toFixed(0)} |`);
console.log(`| helloscope listener (fingerprinting, logging) | ${best.listener.wallRate.toFixed(0)} | ${best.listener.capacity.toFixed(0)} |`);
console.log(`\nratio listener/plain: ${(best.listener.wallRate / best.plain.wallRate).toFixed(2)} (client-observed), ${(best.listener.capacity / best.plain.capacity).toFixed(2)} (server CPU capacity)`);
console.log(`floor (hello read in JavaScript)/plain: ${(best['hello-read'].capacity / best.plain.capacity).toFixed(2)} (server CPU capacity); listener/floor: ${(best.listener.capacity / best['hello-read'].capacity).toFixed(2)}`);
console.log(`per-round ratios: client-observed ${pairRatios.map((x) => x.wall.toFixed(2)).join(' ')}; CPU capacity ${pairRatios.map((x) => x.cpu.toFixed(2)).join(' ')} (median ${median(pairRatios.map((x) => x.wall)).toFixed(2)}, ${median(pairRatios.map((x) => x.cpu)).toFixed(2)})`);
