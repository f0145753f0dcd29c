#!/usr/bin/env node
// `npm run load`: the listener under load, loopback only, bounded in count and time. In one run:
// 1,000 concurrent TLS handshakes with a request each, slow clients that trickle their hello a
// few bytes at a time, clients sending garbage, 64 KB ClientHellos (padding extension), and
// resets in the middle of the handshake. Reports errors, peak memory, and observations logged
// versus made (they must be equal: nothing may be lost).
import net from 'node:net';
import tls from 'node:tls';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startListener } from '../../dist/services/listener.mjs';

const CONCURRENT = Number(process.env.LOAD_CONCURRENT ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'hs-load-'));
const h = await startListener({ host: '127.0.0.1', port: 0, dataDir, handshakeTimeoutMs: 5000, maxConnections: 4096 });
let peakRss = 0;
const mem = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 20);
const deadline = Date.now() + 120_000;
const errors = { handshake: 0, response: 0 };

function fullClient(i) {
  return new Promise((res) => {
    const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, servername: 'localhost', ALPNProtocols: ['http/1.1'] }, () => {
      s.write(`GET /fps HTTP/1.1\r\nHost: localhost\r\nUser-Agent: load/${i}\r\n\r\n`);
    });
    let body = '';
    s.on('data', (d) => (body += d));
    s.on('error', () => { errors.handshake++; res(false); });
    s.on('close', () => { const ok = body.startsWith('HTTP/1.1 200'); if (!ok) errors.response++; res(ok); });
  });
}

/** A ClientHello padded to about `size` bytes, sent as several TLS records. */
function bigHello(size) {
  const random = Buffer.alloc(32, 7);
  const ciphers = Buffer.from([0x13, 0x01, 0x13, 0x02]);
  const ext = (type, data) => Buffer.concat([Buffer.from([type >> 8, type & 255, data.length >> 8, data.length & 255]), data]);
  const sv = ext(43, Buffer.from([2, 3, 4]));
  const groups = ext(10, Buffer.from([0, 2, 0, 29]));
  const ks = ext(51, Buffer.concat([Buffer.from([0, 36, 0, 29, 0, 32]), Buffer.alloc(32, 9)]));
  const sig = ext(13, Buffer.from([0, 2, 8, 4]));
  const pad = ext(21, Buffer.alloc(Math.max(0, size - 200)));
  const exts = Buffer.concat([sv, groups, ks, sig, pad]);
  const body = Buffer.concat([Buffer.from([3, 3]), random, Buffer.from([0]), Buffer.from([0, ciphers.length]), ciphers, Buffer.from([1, 0]), Buffer.from([exts.length >> 8, exts.length & 255]), exts]);
  const hs = Buffer.concat([Buffer.from([1, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body]);
  const recs = [];
  for (let i = 0; i < hs.length; i += 16384) {
    const f = hs.subarray(i, i + 16384);
    recs.push(Buffer.from([22, 3, 1, f.length >> 8, f.length & 255]), f);
  }
  return Buffer.concat(recs);
}

function rawClient(kind) {
  return new Promise((res) => {
    const s = net.connect(h.port, '127.0.0.1');
    s.on('error', () => res());
    s.on('close', () => res());
    s.on('connect', async () => {
      if (kind === 'garbage') s.end(Buffer.from('\x00\x01garbage that is not TLS\r\n'));
      else if (kind === 'reset') { s.write(bigHello(300).subarray(0, 40)); setTimeout(() => s.resetAndDestroy(), 20); }
      else if (kind === 'big') { s.write(bigHello(64 * 1024)); setTimeout(() => s.destroy(), 300); }
      else if (kind === 'slow') {
        const b = bigHello(600);
        for (let i = 0; i < b.length && Date.now() < deadline; i += 16) { if (s.destroyed) break; s.write(b.subarray(i, i + 16)); await new Promise((r) => setTimeout(r, 10)); }
        setTimeout(() => s.destroy(), 100);
      }
    });
  });
}

const t0 = Date.now();
const jobs = [];
for (let i = 0; i < CONCURRENT; i++) jobs.push(fullClient(i));
for (let i = 0; i < 20; i++) jobs.push(rawClient('slow'), rawClient('garbage'), rawClient('reset'), rawClient('big'));
const results = await Promise.all(jobs);
const ok = results.filter((r) => r === true).length;
const wall = Date.now() - t0;
await h.store.settle();
const made = h.store.made;
const logged = readFileSync(h.store.path, 'utf8').trim().split('\n').filter(Boolean).length;
clearInterval(mem);
await h.stop();
console.log(`load: ${CONCURRENT} concurrent TLS clients (${ok} answered 200), 20 slow, 20 garbage, 20 reset mid-handshake, 20 with 64 KB hellos, in ${wall} ms`);
console.log(`errors: ${errors.handshake} handshake, ${errors.response} bad responses; peak RSS ${(peakRss / 1048576).toFixed(0)} MB (listener and clients in one process)`);
console.log(`observations: ${made} made, ${logged} logged`);
const fail = ok !== CONCURRENT || made !== logged || made < CONCURRENT;
if (fail) console.log('load: FAILED');
process.exit(fail ? 1 : 0);
