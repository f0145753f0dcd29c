#!/usr/bin/env node
// An HTTPS server (h2 and http/1.1) on 127.0.0.1 that serves /bytes/<n>: n bytes of
// incompressible data, for recording real clients downloading files of realistic sizes.
// usage: node download-server.mjs <cert.pem> <key.pem> <port>
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';

const [certFile, keyFile, port] = process.argv.slice(2);
const pool = randomBytes(1 << 20);
const server = http2.createSecureServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), allowHTTP1: true }, (req, res) => {
  const m = /^\/bytes\/(\d+)$/.exec(req.url ?? '');
  if (!m) { res.writeHead(404); res.end(); return; }
  let left = Number(m[1]);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left), 'cache-control': 'no-store' });
  const more = () => {
    while (left > 0) {
      const n = Math.min(left, pool.length);
      left -= n;
      if (!res.write(pool.subarray(0, n))) { res.once('drain', more); return; }
    }
    res.end();
  };
  more();
});
server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
