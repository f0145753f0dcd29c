#!/usr/bin/env node
// A server process for bench-listener.mjs: `plain` (node:tls answering a fixed body),
// `hello-read` (the same, after reading the client's whole ClientHello off the raw socket in
// JavaScript first, as any fingerprinting server on node:tls must: the floor for the listener) or
// `listener` (the Helloscope listener). Prints its port; on "stats" (stdin) prints its own CPU
// time since "reset" and exits. The plain server's body has the size given as the third
// argument (the listener's answer size, measured by bench-listener.mjs), so both send as much.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { startListener } from '../../dist/services/listener.mjs';

const mode = process.argv[2];
const dataDir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'hs-bench-srv-'));
let port;
let stop = async () => {};
if (mode === 'listener') {
  const h = await startListener({ host: '127.0.0.1', port: 0, dataDir });
  port = h.port;
  stop = () => h.stop();
} else {
  const cert = readFileSync(join(dataDir, 'listener-cert.pem')), key = readFileSync(join(dataDir, 'listener-key.pem'));
  // The listener's header lines, and a body of the listener's answer size.
  const body = JSON.stringify({ ja4: 't13d1516h2_8daaf6152771_02713d6af862', note: 'same-size answer' }).padEnd(Number(process.argv[4] ?? 1000));
  const answer = (c) => {
    let b = '';
    c.on('data', (d) => { b += d; if (b.includes('\r\n\r\n')) c.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${body.length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`); });
    c.on('error', () => {});
  };
  const ALPNProtocols = ['h2', 'http/1.1'];
  let s;
  if (mode === 'plain') s = tls.createServer({ cert, key, ALPNProtocols }, answer);
  else {
    // The listener's way into node:tls, without the fingerprinting: read until the ClientHello is
    // whole (its handshake length, over however many records), put it back, hand the socket over.
    const secureContext = tls.createSecureContext({ cert, key });
    s = net.createServer((socket) => {
      socket.on('error', () => socket.destroy());
      let got = Buffer.alloc(0);
      const onData = (d) => {
        got = got.length ? Buffer.concat([got, d]) : d;
        if (!helloComplete(got)) return;
        socket.off('data', onData);
        socket.pause();
        socket.unshift(got);
        const t = new tls.TLSSocket(socket, { isServer: true, secureContext, ALPNProtocols });
        t.on('secure', () => answer(t));
        t.on('error', () => socket.destroy());
      };
      socket.on('data', onData);
    });
  }
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  port = s.address().port;
  stop = async () => s.close();
}
/** True once `b` holds whole TLS records carrying the whole first handshake message (or is not TLS). */
function helloComplete(b) {
  let off = 0, hs = 0, need = -1;
  while (off + 5 <= b.length) {
    if (b[off] !== 0x16) return true;
    const len = b.readUInt16BE(off + 3);
    if (off + 5 + len > b.length) return false;
    if (need < 0 && hs === 0 && len >= 4) need = 4 + b.readUIntBE(off + 6, 3);
    hs += len;
    off += 5 + len;
    if (need >= 0 && hs >= need) return true;
  }
  return false;
}
let base = process.cpuUsage();
process.stdout.write(`${port}\n`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', async (cmd) => {
  if (cmd.includes('reset')) { base = process.cpuUsage(); process.stdout.write('ok\n'); }
  if (cmd.includes('stats')) {
    const u = process.cpuUsage(base);
    process.stdout.write(`${(u.user + u.system) / 1e6}\n`);
    await stop();
    process.exit(0);
  }
});
