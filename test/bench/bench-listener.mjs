#!/usr/bin/env node
// `npm run bench:listener`: TLS handshakes per second (each with one HTTP/1.1 request and its
// answer) served by the fingerprinting listener versus a plain node:tls server with the same
// certificate answering the same request, in the same run, on 127.0.0.1. Each server runs in
// its own process; the clients run here with a fixed concurrency. Reported per server: the wall
// rate the clients saw, and the server's capacity = connections served per second of the
// server process's own CPU time (what one core spent on handshakes, parsing, fingerprinting,
// logging), which does not depend on how fast the client side is. Ratios of both.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startListener } from '../../dist/services/listener.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_CONNECTIONS ?? 3000), CONC = Number(process.env.BENCH_CONCURRENCY ?? 32), ROUNDS = 3;
const dataDir = mkdtempSync(join(tmpdir(), 'hs-bench-listener-'));
// Make the certificate once so both servers use the same one.
await (await startListener({ host: '127.0.0.1', port: 0, dataDir })).stop();

function server(mode) {
  const p = spawn(process.execPath, [join(here, 'listener-server.mjs'), mode, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  p.stdout.setEncoding('utf8');
  const lines = [];
  let waiting;
  p.stdout.on('data', (d) => { for (const l of d.split('\n').filter(Boolean)) { lines.push(l); waiting?.(); } });
  const next = () => new Promise((r) => { if (lines.length) r(lines.shift()); else waiting = () => { waiting = undefined; r(lines.shift()); }; });
  return { p, next, send: (s) => p.stdin.write(s + '\n') };
}
function one(port) {
  return new Promise((res) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => s.write('GET /fps HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n\r\n'));
    let ok = false;
    s.on('data', (d) => { if (!ok && d.toString('latin1').startsWith('HTTP/1.1 200')) ok = true; });
    s.on('close', () => res(ok));
    s.on('error', () => res(false));
  });
}
async function round(mode) {
  const srv = server(mode);
  const port = Number(await srv.next());
  for (let i = 0; i < 50; i++) await one(port); // warm up
  srv.send('reset');
  await srv.next();
  let next = 0, good = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, async () => { while (next++ < N) if (await one(port)) good++; }));
  const wall = (performance.now() - t0) / 1000;
  srv.send('stats');
  const cpu = Number(await srv.next());
  await once(srv.p, 'exit');
  return { wallRate: good / wall, capacity: good / cpu, good };
}
const best = { plain: { wallRate: 0, capacity: 0 }, listener: { wallRate: 0, capacity: 0 } };
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of ['plain', 'listener']) {
    const x = await round(mode);
    best[mode].wallRate = Math.max(best[mode].wallRate, x.wallRate);
    best[mode].capacity = Math.max(best[mode].capacity, x.capacity);
    console.error(`round ${r + 1} ${mode}: ${x.good} ok, ${x.wallRate.toFixed(0)}/s seen by the clients, ${x.capacity.toFixed(0)} per server CPU-second`);
  }
}
console.log(`\n${N} connections per round, concurrency ${CONC}, ${ROUNDS} rounds (best of each), node ${process.version}\n`);
console.log('| server | connections/s seen by the clients | connections per server CPU-second |');
console.log('| --- | --- | --- |');
console.log(`| plain node:tls (same certificate, same answer size) | ${best.plain.wallRate.toFixed(0)} | ${best.plain.capacity.toFixed(0)} |`);
console.log(`| helloscope listener (fingerprinting, logging) | ${best.listener.wallRate.toFixed(0)} | ${best.listener.capacity.toFixed(0)} |`);
console.log(`\nratio listener/plain: ${(best.listener.wallRate / best.plain.wallRate).toFixed(2)} (client-observed), ${(best.listener.capacity / best.plain.capacity).toFixed(2)} (server CPU capacity)`);
