// Connections that get no answered request still leave an observation: the ClientHello was read,
// so its fingerprints are known, and the reason it ended is stored with it. Real clients on
// 127.0.0.1: curl and Python verifying the self-signed certificate (they send alert 48 and close),
// openssl offering only ciphers the ECDSA certificate cannot serve, a client that closes after the
// handshake, a bad request, a client silent after the handshake, one stalled inside it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListener, type ListenerHandle, type ListenerObservation } from '../../../electron/services/listener/index.js';
import type { StoredObservation } from '../../../electron/services/listener/store.js';

const tmp = mkdtempSync(join(tmpdir(), 'hs-listener-unanswered-'));
const FIXTURES = fileURLToPath(new URL('../../fixtures/clients/', import.meta.url));
const run = (cmd: string, args: string[], input = '') => new Promise<{ code: number | null; out: string; err: string }>((res) => {
  const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '', err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  p.stdin.end(input);
  const t = setTimeout(() => p.kill('SIGKILL'), 15000);
  p.on('close', (code) => { clearTimeout(t); res({ code, out, err }); });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('listener: connections without an answered request', () => {
  let h: ListenerHandle;
  const seen: ListenerObservation[] = [];
  beforeAll(async () => {
    h = await startListener({ host: '127.0.0.1', port: 0, dataDir: join(tmp, 'data'), handshakeTimeoutMs: 700, requestTimeoutMs: 700 });
    h.subscribe((o) => seen.push(o));
  });
  afterAll(async () => { await h?.stop(); });

  /** The observation stored for the connection from local port `port` (waits for the close to be seen). */
  const byPort = async (port: number): Promise<StoredObservation> => {
    for (let i = 0; i < 100; i++) {
      const o = h.store.byIp('127.0.0.1').find((x) => x.port === port);
      if (o) return o;
      await sleep(20);
    }
    throw new Error(`no observation for port ${port}`);
  };
  /** The newest observation after `n` observations were made. */
  const next = async (n: number): Promise<StoredObservation> => {
    for (let i = 0; i < 100 && h.store.made <= n; i++) await sleep(20);
    expect(h.store.made).toBe(n + 1);
    return h.store.byIp('127.0.0.1').at(-1)!;
  };

  it('curl and Python verifying the certificate: the handshake fails with their alert 48, and their hello is fingerprinted like an answered one', async () => {
    let n = h.store.made;
    const refused = await run('curl', ['-s', `https://127.0.0.1:${h.port}/fps`]);
    expect(refused.code).toBe(60); // curl: peer certificate cannot be authenticated
    const failed = await next(n);
    expect(failed.incomplete).toBe('handshake');
    expect(failed.error).toMatch(/the client sent alert 48 \(unknown_ca\): it does not accept the listener's certificate/);
    expect(failed.ja4h).toBeNull();
    expect(failed.tls_version).toBeNull();
    // The same curl, told not to verify: its answer names the same JA4 (the hello does not depend on -k).
    const answered = JSON.parse((await run('curl', ['-sk', `https://127.0.0.1:${h.port}/fps`])).out);
    expect(failed.ja4).toBe(answered.ja4);
    expect(failed.ja3).toBe(answered.ja3);
    expect(failed.hello_hex).toMatch(/^16030[0-4]/);
    n = h.store.made;
    const py = await run('python3', ['-c', `import ssl, socket\ns = socket.create_connection(('127.0.0.1', ${h.port}))\ntry:\n  ssl.create_default_context().wrap_socket(s, server_hostname='localhost')\nexcept ssl.SSLError as e:\n  print(e.reason)`]);
    expect(py.out.trim()).toBe('CERTIFICATE_VERIFY_FAILED');
    const pyObs = await next(n);
    expect(pyObs.incomplete).toBe('handshake');
    expect(pyObs.error).toMatch(/alert 48 \(unknown_ca\)/);
    expect(pyObs.tls_server_name).toBe('localhost');
    expect(String(pyObs.ja4)).toMatch(/^t13d/);
  });

  it('no common cipher (openssl offering only anonymous Diffie-Hellman, which the listener does not serve): OpenSSL\'s reason', async () => {
    const n = h.store.made;
    const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-tls1_2', '-cipher', 'ADH-AES128-SHA:@SECLEVEL=0']);
    expect(r.code).not.toBe(0);
    const o = await next(n);
    expect(o.incomplete).toBe('handshake');
    expect(o.error).toMatch(/no shared cipher/);
    // ja4 of a TLS 1.2 hello with one cipher (and the renegotiation SCSV) and no SNI.
    expect(String(o.ja4)).toMatch(/^t12i02/);
  });

  it('a client offering only RSA cipher suites completes TLS (the RSA certificate beside the ECDSA one); others still get the ECDSA one', async () => {
    const rsa = await run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-tls1_2', '-cipher', 'AES128-SHA', '-servername', 'localhost', '-ign_eof'], 'GET /fps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(rsa.out).toMatch(/Cipher is AES128-SHA/);
    expect(rsa.out).toMatch(/Server public key is 2048 bit/);
    expect(rsa.out).toMatch(/HTTP\/1\.1 200 OK/);
    const ec = await run('openssl', ['s_client', '-connect', `127.0.0.1:${h.port}`, '-tls1_2', '-servername', 'localhost', '-ign_eof'], 'GET /fps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(ec.out).toMatch(/Server public key is 256 bit/);
    expect(ec.out).toMatch(/HTTP\/1\.1 200 OK/);
  });

  it('a client that closes after the handshake, and one that sends a bad request: what was negotiated, and why there is no request', async () => {
    const closeAfter = await new Promise<number>((res, rej) => {
      const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => { const p = s.localPort!; s.end(); res(p); });
      s.on('error', rej);
    });
    const closed = await byPort(closeAfter);
    expect(closed).toMatchObject({ incomplete: 'request', tls_version: 'TLSv1.3', alpn: 'http/1.1', http_protocol: null, user_agent: null });
    expect(closed.error).toMatch(/closed the connection without sending a request/);
    expect(typeof closed.cipher_suite).toBe('string');
    expect(closed.rtt_ms).toBeGreaterThan(0);

    let port = 0;
    const answer = await new Promise<string>((res, rej) => {
      const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => { port = s.localPort!; s.write('NOT AN HTTP REQUEST\r\n\r\n'); });
      let b = '';
      s.on('data', (d) => (b += d));
      s.on('close', () => res(b));
      s.on('error', rej);
    });
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    const bad = await byPort(port);
    expect(bad.incomplete).toBe('request');
    expect(bad.error).toMatch(/^request refused with 400: /);
  });

  it('timeouts: silent after the handshake, and stalled inside it after a real Firefox hello', async () => {
    let silentPort = 0;
    await new Promise<void>((res) => {
      const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false }, () => { silentPort = s.localPort!; });
      s.on('close', () => res());
      s.on('error', () => res());
    });
    const silent = await byPort(silentPort);
    expect(silent.error).toBe('no complete request within 700 ms');

    // Firefox's recorded ClientHello, then nothing: the listener sends its flight and waits.
    const hello = readFileSync(join(FIXTURES, 'firefox-esr/hello.bin'));
    const meta = JSON.parse(readFileSync(join(FIXTURES, 'firefox-esr/meta.json'), 'utf8'));
    let stalledPort = 0;
    await new Promise<void>((res) => {
      const s = net.connect(h.port, '127.0.0.1', () => { stalledPort = s.localPort!; s.write(hello); });
      s.on('data', () => {});
      s.on('close', () => res());
      s.on('error', () => res());
    });
    const stalled = await byPort(stalledPort);
    expect(stalled.incomplete).toBe('handshake');
    expect(stalled.error).toBe('no TLS handshake within 700 ms');
    // Against the reference values recorded with the fixture (FoxIO's ja4 tool, tshark).
    expect(stalled.ja4).toBe(meta.hellos[0].ref_ja4);
    expect(stalled.ja3).toBe(meta.hellos[0].tshark_ja3);
    expect(stalled.tls_server_name).toBe('localhost');
  });

  it('every observation is logged; answered ones carry no `incomplete`; /fps?all=1 shows why; subscribers get a record with the reason as a problem', async () => {
    await h.store.settle();
    const lines = readFileSync(h.store.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StoredObservation);
    expect(lines.length).toBe(h.store.made);
    const answered = lines.filter((x) => x.ja4h !== null);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((x) => !('incomplete' in x) && !('error' in x))).toBe(true);
    expect(lines.filter((x) => x.incomplete).length).toBe(lines.length - answered.length);
    const all = JSON.parse((await run('curl', ['-sk', `https://127.0.0.1:${h.port}/fps?all=1`])).out) as Record<string, unknown>[];
    expect(all.some((x) => /alert 48/.test(String(x.error)) && x.incomplete === 'handshake')).toBe(true);
    const sub = seen.find((o) => o.stored.incomplete === 'handshake')!;
    expect(sub.record.hellos[0]!.ja4).toBe(sub.stored.ja4);
    expect(sub.record.http).toEqual([]);
    expect(sub.record.problems.map((p) => p.code)).toContain('tls_handshake_incomplete');
  });
});

describe('listener: stopping with connections open', () => {
  it('logs the connections it cuts off (their close is recorded before the log is closed)', async () => {
    const dataDir = join(tmp, 'stop');
    const warnings: string[] = [];
    const h = await startListener({ host: '127.0.0.1', port: 0, dataDir, warn: (m) => warnings.push(m) });
    // A client that completes the handshake and sends nothing.
    const s = tls.connect({ host: '127.0.0.1', port: h.port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    s.on('error', () => {});
    await new Promise((r) => s.once('secureConnect', r));
    await sleep(50);
    await h.stop();
    const lines = readFileSync(join(dataDir, 'observations.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as StoredObservation);
    expect(lines.map((x) => [x.incomplete, x.error])).toEqual([['request', 'the listener stopped before a request was answered']]);
    expect(warnings.filter((w) => /after the log was closed|write failed/.test(w))).toEqual([]);
  });
});
