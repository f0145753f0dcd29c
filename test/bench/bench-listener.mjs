#!/usr/bin/env node
// `npm run bench:listener`: TLS handshakes per second (each with one HTTP/1.1 request and its
// answer) against the fingerprinting listener and against a plain node:tls server with the same
// certificate that answers the same request, in the same run, on 127.0.0.1. Clients run in this
// process with a fixed concurrency; rounds alternate between the two servers; the best round of
// each is reported with the ratio.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { startListener } from '../../dist/services/listener.mjs';

const N = Number(process.env.BENCH_CONNECTIONS ?? 1500), CONC = Number(process.env.BENCH_CONCURRENCY ?? 32), ROUNDS = 3;
const dataDir = mkdtempSync(join(tmpdir(), 'hs-bench-listener-'));
const h = await startListener({ host: '127.0.0.1', port: 0, dataDir });
const cert = readFileSync(join(dataDir, 'listener-cert.pem')), key = readFileSync(join(dataDir, 'listener-key.pem'));
const body = JSON.stringify({ ja4: 't13d1516h2_8daaf6152771_02713d6af862', note: 'same-size answer' }).padEnd(700);
const plain = tls.createServer({ cert, key, ALPNProtocols: ['http/1.1'] }, (s) => {
  let b = '';
  s.on('data', (d) => { b += d; if (b.includes('\r\n\r\n')) s.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`); });
  s.on('error', () => {});
});
await new Promise((r) => plain.listen(0, '127.0.0.1', r));

function one(port) {
  return new Promise((res) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => s.write('GET /fps HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\n\r\n'));
    let ok = false;
    s.on('data', (d) => { if (!ok && d.toString('latin1').startsWith('HTTP/1.1 200')) ok = true; });
    s.on('close', () => res(ok));
    s.on('error', () => res(false));
  });
}
async function round(port) {
  let next = 0, good = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, async () => { while (next++ < N) if (await one(port)) good++; }));
  return { rate: (good / (performance.now() - t0)) * 1000, good };
}
const best = { listener: 0, plain: 0 };
for (let r = 0; r < ROUNDS; r++) {
  const a = await round(plain.address().port);
  const b = await round(h.port);
  best.plain = Math.max(best.plain, a.rate);
  best.listener = Math.max(best.listener, b.rate);
  console.error(`round ${r + 1}: plain node:tls ${a.rate.toFixed(0)}/s (${a.good} ok), helloscope listener ${b.rate.toFixed(0)}/s (${b.good} ok)`);
}
await h.stop();
plain.close();
console.log(`\n${N} connections per round, concurrency ${CONC}, ${ROUNDS} rounds, node ${process.version}\n`);
console.log('| server | handshakes + request per second (best round) |');
console.log('| --- | --- |');
console.log(`| plain node:tls (same certificate, same answer size) | ${best.plain.toFixed(0)} |`);
console.log(`| helloscope listener (fingerprinting, logging) | ${best.listener.toFixed(0)} |`);
console.log(`\nratio listener/plain: ${(best.listener / best.plain).toFixed(2)}`);
