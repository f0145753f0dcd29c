#!/usr/bin/env node
// Records a real QUIC client: Chromium, forced onto QUIC for a host mapped to 127.0.0.1, sends its
// Initial packets to a UDP port on which nothing answers (no HTTP/3 server is needed to see the
// ClientHello; Chromium retransmits its Initials a few times). tcpdump captures them on `lo`.
// tshark's own QUIC dissection gives an independent JA4 (ja4-from-tshark.mjs) stored in meta.json.
// Needs root (tcpdump) and Debian's chromium, tcpdump, tshark.
// Usage: node test/tools/record-quic-client.mjs [outdir=test/fixtures/quic/chromium]
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ja4FromTshark } from './ja4-from-tshark.mjs';

const out = resolve(process.argv[2] ?? 'test/fixtures/quic/chromium');
mkdirSync(out, { recursive: true });
const pcap = join(out, 'capture.pcap');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sock = dgram.createSocket('udp4');
await new Promise((r) => sock.bind(0, '127.0.0.1', r));
const port = sock.address().port;
const dump = spawn('tcpdump', ['-i', 'lo', '-U', '-w', pcap, `udp and port ${port}`], { stdio: 'ignore' });
await sleep(800);
const profile = mkdtempSync(join(tmpdir(), 'hs-quic-'));
const chromium = spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--enable-quic', `--origin-to-force-quic-on=quic.test:${port}`, '--host-resolver-rules=MAP quic.test 127.0.0.1', `https://quic.test:${port}/`], { stdio: 'ignore' });
await sleep(3500);
chromium.kill('SIGKILL');
await sleep(300);
dump.kill('SIGINT');
sock.close();
await sleep(300);
rmSync(profile, { recursive: true, force: true });

const sh = (args) => execFileSync('tshark', ['-n', '-r', pcap, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
const version = execFileSync('chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const chs = sh(['-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.extension.type', '-e', 'tls.handshake.extensions_server_name']).trim().split('\n').filter(Boolean);
const hellos = chs.map((line) => {
  const [frame, exts, sni] = line.split('\t');
  const j = JSON.parse(sh(['-Y', `frame.number==${frame}`, '-T', 'json', '--no-duplicate-keys']));
  // The ClientHello node: the object holding the cipher suite list (inside quic.frame / tls.handshake lists).
  const find = (o) => (o && typeof o === 'object' ? ('tls.handshake.ciphersuites' in o ? o : Object.values(o).map(find).find(Boolean)) : undefined);
  const ref = ja4FromTshark(find(j[0]), exts.split(',').map(Number), 'q');
  return { frame: +frame, tls_server_name: sni, ref_ja4: ref.ja4, ref_ja4_o: ref.ja4_o };
});
const datagrams = sh(['-T', 'fields', '-e', 'frame.number']).trim().split('\n').length;
writeFileSync(join(out, 'meta.json'), JSON.stringify({ client: 'chromium', version, recorded: new Date().toISOString().slice(0, 10), datagrams, hellos }, null, 2) + '\n');
console.log(`${pcap}: ${datagrams} datagrams, ${hellos.length} ClientHello(s) per tshark`, hellos);
