#!/usr/bin/env node
// npm run bench:hello — ClientHellos per second: Helloscope's fingerprint-only path and full
// dissection, side by side in one run with read-tls-client-hello (the npm library a Node user
// would otherwise use) on the same real hellos (test/fixtures/clients/*/hello.bin).
// Options: --seconds N per measurement (default 2), --write (update BENCHMARKS.md).
import { readdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { calculateJa3, calculateJa4, readTlsClientHello } from 'read-tls-client-hello';
import { importTs, root } from './bundle.mjs';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1]) || 2;
const core = await importTs('test/bench/hello-entry.ts');
// The same 20 hellos are hashed over and over here: without this the digest memo would time map lookups, not hashing.
core.useDigestMemo(false);
// As the CLI, listener and capture loader do: Node's native digests behind core's hash interface.
core.installNodeHashes();

const dir = join(root, 'test/fixtures/clients');
const hellos = readdirSync(dir).map((id) => join(dir, id, 'hello.bin')).filter(existsSync).map((p) => readFileSync(p));
/** What a socket looks like to read-tls-client-hello: an open stream that has received the hello. */
const socketWith = (b) => { const s = new PassThrough(); s.write(b); return s; };
// read-tls-client-hello reads one record; keep hellos that fit one (all of ours do on loopback).
const inputs = hellos.filter((b) => b[0] === 0x16 && ((b[3] << 8) | b[4]) + 5 === b.length);

// Sanity: both tools agree on JA3 and JA4 for every input before anything is timed.
let agree = 0;
for (const b of inputs) {
  const theirs = await readTlsClientHello(socketWith(b));
  const ours = core.parseTls(new Uint8Array(b), { tree: false }).clientHello;
  if (calculateJa3(theirs) === core.computeJa3(ours).ja3 && calculateJa4(theirs) === core.computeJa4(ours).ja4) agree++;
}

async function measure(name, fn) {
  // warm up, then run whole passes over the inputs until `seconds` have elapsed; best of 3 rounds
  for (let i = 0; i < 200; i++) await fn(inputs[i % inputs.length]);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    const end = t0 + BigInt(Math.round(seconds * 1e9));
    let now = t0;
    while (now < end) {
      for (const b of inputs) await fn(b);
      n += inputs.length;
      now = process.hrtime.bigint();
    }
    best = Math.max(best, n / (Number(now - t0) / 1e9));
  }
  return { name, perSecond: best };
}

const u8 = inputs.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.length));
let k = 0;
const results = [];
results.push(await measure('Helloscope: fingerprints only (JA3 + JA4, no field tree)', (b) => { const h = core.parseTls(u8[k++ % u8.length], { tree: false }).clientHello; core.computeJa3(h); core.computeJa4(h); }));
results.push(await measure('Helloscope: full dissection (field tree) + all fingerprints', (b) => { const p = core.parseTls(u8[k++ % u8.length]); core.fingerprintClientHello(p.clientHello); }));
results.push(await measure('read-tls-client-hello 2.0.0: readTlsClientHello + calculateJa3 + calculateJa4', async (b) => { const h = await readTlsClientHello(socketWith(b)); calculateJa3(h); calculateJa4(h); }));
const parsedTheirs = [];
for (const b of inputs) parsedTheirs.push(await readTlsClientHello(socketWith(b)));
const parsedOurs = u8.map((b) => core.parseTls(b, { tree: false }).clientHello);
results.push(await measure('read-tls-client-hello: calculateJa3 + calculateJa4 on pre-parsed hellos', () => { const h = parsedTheirs[k++ % parsedTheirs.length]; calculateJa3(h); calculateJa4(h); }));
results.push(await measure('Helloscope: computeJa3 + computeJa4 on pre-parsed hellos', () => { const h = parsedOurs[k++ % parsedOurs.length]; core.computeJa3(h); core.computeJa4(h); }));

core.useHashProvider(core.nobleHashes);
results.push(await measure('Helloscope: fingerprints only, pure-TS hashes (as in the renderer/browser)', () => { const h = core.parseTls(u8[k++ % u8.length], { tree: false }).clientHello; core.computeJa3(h); core.computeJa4(h); }));
const theirs = results[2].perSecond;
const lines = [
  `inputs: ${inputs.length} real ClientHellos (${inputs.map((b) => b.length).reduce((a, b) => a + b, 0)} bytes), JA3/JA4 agree on ${agree}/${inputs.length}`,
  `node ${process.version}, ${seconds}s per round, best of 3 rounds`,
  '',
  '| measurement | hellos/s | vs read-tls-client-hello |',
  '| --- | ---: | ---: |',
  ...results.map((r) => `| ${r.name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${(r.perSecond / theirs).toFixed(2)}x |`),
  '',
  `compute-only ratio (Helloscope / read-tls-client-hello, both on pre-parsed hellos): ${(results[4].perSecond / results[3].perSecond).toFixed(2)}x`,
];
console.log(lines.join('\n'));

if (args.includes('--write')) {
  const file = join(root, 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const section = `<!-- bench:hello -->\n## ClientHello parsing and fingerprinting (\`npm run bench:hello\`)\n\nCommand: \`npm run bench:hello -- --write\` (${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, 2 cores)\n\n${lines.join('\n')}\n<!-- /bench:hello -->`;
  const next = text.includes('<!-- bench:hello -->') ? text.replace(/<!-- bench:hello -->[\s\S]*<!-- \/bench:hello -->/, section) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
