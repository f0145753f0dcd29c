#!/usr/bin/env node
// A server process for bench-listener.mjs: `plain` (node:tls answering a fixed body),
// `hello-read` (the same, after reading the client's whole ClientHello off the raw socket in
// JavaScript first, as any fingerprinting server on node:tls must: the floor for the listener) or
// `listener` (the Helloscope listener). Prints its port, then answers commands on stdin (below).
// The plain server's body has the size given as the third argument (the listener's answer size,
// measured by bench-listener.mjs), so both send as much.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { HelloCollector, startListener, tlsServerSocket } from '../../dist/services/listener.mjs';

const mode = process.argv[2];
if (!['plain', 'hello-read', 'listener'].includes(mode)) { console.error(`listener-server.mjs: unknown mode ${mode} (plain, hello-read or listener)`); process.exit(2); }
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
    // The listener's way into node:tls, without the fingerprinting: its HelloCollector reads until
    // the ClientHello is whole, then the socket and those bytes are handed over (tlsServerSocket).
    const secureContext = tls.createSecureContext({ cert, key });
    s = net.createServer((socket) => {
      socket.on('error', () => socket.destroy());
      const collector = new HelloCollector();
      const onData = (d) => {
        if (collector.push(d).kind === 'more') return;
        socket.off('data', onData);
        const t = tlsServerSocket(socket, collector.buffered, { secureContext, ALPNProtocols }, (t) => t.on('error', () => socket.destroy()));
        t.on('secure', () => answer(t));
      };
      socket.on('data', onData);
    });
  }
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  port = s.address().port;
  stop = async () => s.close();
}
let base = process.cpuUsage();
process.stdout.write(`${port}\n`);
process.stdin.setEncoding('utf8');
// Commands, one per line: "cpu" prints this process's CPU time so far (all threads, µs); "reset"
// starts counting again; "stats" prints the CPU seconds since "reset" and exits.
let pendingIn = '';
process.stdin.on('data', async (d) => {
  pendingIn += d;
  let nl;
  while ((nl = pendingIn.indexOf('\n')) >= 0) {
    const cmd = pendingIn.slice(0, nl).trim();
    pendingIn = pendingIn.slice(nl + 1);
    if (cmd === 'cpu') { const u = process.cpuUsage(); process.stdout.write(`${u.user + u.system}\n`); }
    if (cmd === 'reset') { base = process.cpuUsage(); process.stdout.write('ok\n'); }
    if (cmd === 'stats') {
      const u = process.cpuUsage(base);
      process.stdout.write(`${(u.user + u.system) / 1e6}\n`);
      await stop();
      process.exit(0);
    }
  }
});
