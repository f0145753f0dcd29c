// The listener with real clients that behave unusually (but legally, or at least commonly): each
// gets an answer, and none of them takes the listener down.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListener, type ListenerHandle } from '../../../electron/services/listener/index.js';
import { fingerprintClientHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import type { ClientHello } from '../../../core/tls/model.js';

const tmp = mkdtempSync(join(tmpdir(), 'hs-listener-clients-'));
const run = (cmd: string, args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((res) => {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  const t = setTimeout(() => p.kill('SIGKILL'), 15000);
  p.on('close', (code) => { clearTimeout(t); res({ code, out, err }); });
});

describe('listener with unusual clients', () => {
  let h: ListenerHandle;
  beforeAll(async () => { h = await startListener({ host: '127.0.0.1', port: 0, dataDir: join(tmp, 'data'), requestTimeoutMs: 3000 }); });
  afterAll(async () => { await h?.stop(); });

  /** Sends `bytes` over TLS (ALPN http/1.1) and returns everything the listener answers until it closes. */
  const rawTls = (bytes: string | Buffer[], alpn = ['http/1.1']) => new Promise<string>((res, rej) => {
    const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: alpn }, async () => {
      for (const b of typeof bytes === 'string' ? [Buffer.from(bytes, 'latin1')] : bytes) {
        s.write(b);
        await new Promise((r) => setTimeout(r, 2));
      }
    });
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('close', () => res(out));
    s.on('error', rej);
  });
  const h2get = (headers: http2.OutgoingHttpHeaders, settings: http2.Settings = {}) => new Promise<{ status: number; body: string }>((res, rej) => {
    const c = http2.connect(`https://127.0.0.1:${h.port}`, { rejectUnauthorized: false, settings });
    c.on('error', rej);
    const r = c.request(headers);
    let status = 0, body = '';
    r.on('response', (x) => (status = Number(x[':status'])));
    r.on('data', (d) => (body += d));
    r.on('end', () => { c.close(); res({ status, body }); });
    r.on('error', rej);
    r.end();
  });

  it('a request target the URL parser rejects gets a 400 (HTTP/1.1 and HTTP/2), and the listener keeps serving', async () => {
    const r1 = await rawTls('GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(r1).toMatch(/^HTTP\/1.1 400 /);
    expect(r1).toMatch(/not a valid request target/);
    const r2 = await h2get({ ':path': 'http://[' });
    expect(r2.status).toBe(400);
    expect((await h2get({ ':path': '/fps' })).status).toBe(200);
  });

  it('curl --http1.0 (ALPN http/1.0 only) gets its fingerprints', async () => {
    const r = await run('curl', ['-sk', '--http1.0', `https://127.0.0.1:${h.port}/fps?detail=1`]);
    const j = JSON.parse(r.out);
    expect(j.alpn).toBe('http/1.0');
    expect(j.ja4).toMatch(/^t13i\d{4}h0_/);
    expect(j.ja4h.slice(0, 4)).toBe('ge10');
  });

  it('a request with bare LF line endings (which the core parser reads) is answered, not left to the request timeout', async () => {
    const r = await rawTls('GET /fps HTTP/1.1\nHost: x\nUser-Agent: lf/1\n\n');
    expect(r).toMatch(/^HTTP\/1.1 200 /);
    expect(JSON.parse(r.slice(r.indexOf('\r\n\r\n') + 4))['user-agent']).toBe('lf/1');
    const mixed = await rawTls('GET /fps HTTP/1.1\r\nHost: x\nUser-Agent: lf/2\n\r\n');
    expect(JSON.parse(mixed.slice(mixed.indexOf('\r\n\r\n') + 4))['user-agent']).toBe('lf/2');
  });

  it('HEAD (curl -I) gets the GET answer\'s status and headers without content, over HTTP/1.1 and HTTP/2', async () => {
    for (const v of ['--http1.1', '--http2']) {
      const r = await run('curl', ['-sk', '-I', v, `https://127.0.0.1:${h.port}/fps`]);
      expect(r.code, `${v}: ${r.err}`).toBe(0);
      expect(r.out, v).toMatch(/^HTTP\/(1.1|2) 200/);
      expect(Number(/content-length: (\d+)/i.exec(r.out)?.[1]), v).toBeGreaterThan(100);
    }
    // Nothing after the header section on HTTP/1.1 (RFC 9110 9.3.2).
    const raw = await rawTls('HEAD /stats HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1.1 200 /);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
  });

  it('request headers over the limit (64 KiB) get a 431 also when their end arrives in the read that crosses the limit', async () => {
    const r = await rawTls(`GET /fps HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70000)}\r\n\r\n`);
    expect(r).toMatch(/^HTTP\/1.1 431 /);
    const fits = await rawTls(`GET /fps HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(60000)}\r\n\r\n`);
    expect(fits).toMatch(/^HTTP\/1.1 200 /);
  });
  it.each([['-tls1', 'TLSv1.0', 't10'], ['-tls1_1', 'TLSv1.1', 't11']])('openssl s_client %s (TLS 1.0/1.1, refused by node:tls by default) gets its fingerprints', async (flag, version, prefix) => {
    const answer = await new Promise<string>((res) => {
      // OpenSSL 3's client needs security level 0 for these versions too.
      const p = spawn('openssl', ['s_client', '-quiet', '-connect', `127.0.0.1:${h.port}`, flag, '-cipher', 'DEFAULT:@SECLEVEL=0'], { stdio: ['pipe', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stdin.write('GET /fps?detail=1 HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const t = setTimeout(() => p.kill('SIGKILL'), 10000);
      p.on('close', () => { clearTimeout(t); res(out); });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    const fps = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(fps.tls_version).toBe(version);
    expect(fps.ja4.slice(0, 3)).toBe(prefix);
    // The JA4 the listener reports is the core's JA4 of the hello it read.
    const hello = parseTls(Buffer.from(fps.hello_hex, 'hex'), { tree: false, framing: 'tls', source: 'client' }).clientHello as ClientHello;
    expect(fps.ja4).toBe(fingerprintClientHello(hello).ja4);
  });
  it('HTTP/2 answers keep to the client\'s flow-control window (a 16 KiB or 1 KiB window, an answer of more than 64 KiB)', async () => {
    // Enough observations of this address that /fps?all=1 is over HTTP/2's default 64 KiB window.
    while (h.store.countByIp('127.0.0.1') < 90) await rawTls('GET /fps HTTP/1.1\r\nHost: x\r\n\r\n');
    for (const initialWindowSize of [16384, 1024]) {
      const r = await h2get({ ':path': '/fps?all=1' }, { initialWindowSize });
      expect(r.status).toBe(200);
      expect(Buffer.byteLength(r.body)).toBeGreaterThan(65535);
      const all = JSON.parse(r.body) as unknown[];
      // Every observation of this address, this request's own included.
      expect(all.length).toBe(h.store.countByIp('127.0.0.1'));
    }
  });
});
