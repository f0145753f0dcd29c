#!/usr/bin/env node
// A small HTTPS (h2 + http/1.1) and plain HTTP server on 127.0.0.1 for recording real clients.
// The page sets a cookie and loads a second resource, so a browser's second request carries
// Cookie and Referer (what JA4H's c/r flags and cookie hashes look at).
// usage: node local-https-server.mjs <cert.pem> <key.pem> <https-port> [http-port]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';

const [certFile, keyFile, httpsPort, httpPort] = process.argv.slice(2);
const page = `<!doctype html><html><head><title>helloscope fixture</title><link rel="icon" href="data:,"></head>
<body><p>ok</p><img src="/pixel.gif" alt=""></body></html>`;
const gif = Buffer.from('R0lGODlhAQABAAAAACwAAAAAAQABAAACAkQBADs=', 'base64');

function handle(req, res) {
  if (req.url === '/pixel.gif') {
    res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
    res.end(gif);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': ['session=abc123; Path=/', 'theme=dark; Path=/'], 'cache-control': 'no-store' });
  res.end(page);
}

const tls = http2.createSecureServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), allowHTTP1: true }, handle);
tls.listen(Number(httpsPort), '127.0.0.1', () => {
  if (!httpPort) { console.log('ready'); return; }
  http.createServer(handle).listen(Number(httpPort), '127.0.0.1', () => console.log('ready'));
});
