// HTTPS decryption end to end: curl (OpenSSL) talks to a local Node HTTPS server over each TLS
// 1.2 and 1.3 AEAD suite with SSLKEYLOGFILE set, tcpdump captures loopback, and `helloscope read
// --keylog` must find the request the server received (header names in the order Node's
// rawHeaders reports them). Plus the recorded browsers' keylogs (HTTP/2 and Akamai).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyLog } from '../../../core/tls/decrypt/keylog.js';
import { generateSelfSigned } from '../../../electron/services/listener/self-signed.js';
import { CLI, clientFixtures } from '../../helpers/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'hs-decrypt-'));
const h12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (pcap: string, keylog: string) => spawnSync(process.execPath, [CLI, 'read', pcap, '--keylog', keylog, '--raw'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

const CASES = [
  { name: 'TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256', args: ['--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256'] },
  { name: 'TLS 1.2 ECDHE-ECDSA-AES256-GCM-SHA384', args: ['--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-AES256-GCM-SHA384'] },
  { name: 'TLS 1.2 ECDHE-ECDSA-CHACHA20-POLY1305', args: ['--tls-max', '1.2', '--ciphers', 'ECDHE-ECDSA-CHACHA20-POLY1305'] },
  { name: 'TLS 1.3 AES-256-GCM', args: ['--tls13-ciphers', 'TLS_AES_256_GCM_SHA384'] },
  { name: 'TLS 1.3 ChaCha20-Poly1305', args: ['--tls13-ciphers', 'TLS_CHACHA20_POLY1305_SHA256'] },
];

describe('decrypting HTTPS captures with a key log', () => {
  const seen: string[][] = [];
  let server: https.Server;
  let port = 0;
  const pcap = join(tmp, 'https.pcap'), keylog = join(tmp, 'keylog.txt');
  beforeAll(async () => {
    const c = generateSelfSigned();
    server = https.createServer({ cert: c.certPem, key: c.keyPem }, (req, res) => {
      const names: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) names.push(req.rawHeaders[i]!);
      seen.push(names);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    const dump = spawn('tcpdump', ['-i', 'lo', '-U', '--immediate-mode', '-w', pcap, `tcp port ${port}`], { stdio: 'ignore' });
    await sleep(1200);
    for (const k of CASES) {
      // Asynchronously: the server runs in this process and must keep answering.
      const out = await new Promise<string>((res) => {
        const p = spawn('curl', ['-sk', '--http1.1', '--max-time', '10', ...k.args, '-H', `X-Case: ${k.name}`, '-b', 'a=1; b=2', `https://127.0.0.1:${port}/case`], { env: { ...process.env, SSLKEYLOGFILE: keylog } });
        let o = '';
        p.stdout.on('data', (d) => (o += d));
        p.on('close', () => res(o));
      });
      expect(out, k.name).toBe('ok');
    }
    await sleep(800);
    dump.kill('SIGTERM');
    await sleep(400);
  }, 60000);
  afterAll(() => server?.close());

  it('finds every request in every suite, with the header names the server received', () => {
    const recs = read(pcap, keylog);
    const http = recs.flatMap((r) => (r.http ?? []) as { ja4h: string; ja4h_r: string; path: string }[]);
    expect(http).toHaveLength(CASES.length);
    expect(recs.flatMap((r) => r.problems ?? [])).toEqual([]);
    http.forEach((h, i) => {
      const names = seen[i]!.filter((n) => !/^(cookie|referer)$/i.test(n));
      expect(h.path).toBe('/case');
      expect(h.ja4h).toBe(`ge11cn${String(names.length).padStart(2, '0')}0000_${h12(names.join(','))}_${h12('a,b')}_${h12('a=1,b=2')}`);
    });
  });

  it('reports a missing key per connection instead of failing', () => {
    const empty = join(tmp, 'empty.txt');
    writeFileSync(empty, '# nothing\nCLIENT_RANDOM zz 00\n');
    const r = spawnSync(process.execPath, [CLI, 'read', pcap, '--keylog', empty], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/line 2: the client random is not 64 hex digits/);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(recs).toHaveLength(CASES.length);
    for (const x of recs) expect((x.problems ?? []).join(' ')).toMatch(/no key log entry/);
  });
});

describe('recorded browsers over HTTPS (HTTP/2 inside TLS 1.3)', () => {
  for (const id of ['chromium', 'firefox-esr', 'curl-h2']) {
    it(`${id}: HTTP/2 requests decrypted, Akamai string made of the client's own SETTINGS`, () => {
      const f = clientFixtures().find((x) => x.id === id)!;
      const kl = parseKeyLog(readFileSync(join(f.dir, 'keylog.txt'), 'utf8'));
      expect(kl.problems).toEqual([]);
      const recs = read(join(f.dir, 'capture.pcap'), join(f.dir, 'keylog.txt'));
      const http = recs.flatMap((r) => (r.http ?? []) as { version: string; ja4h: string; akamai?: string }[]);
      expect(http.length).toBeGreaterThan(0);
      expect(http[0]!.version).toBe('HTTP/2');
      expect(http[0]!.ja4h.slice(0, 4)).toBe('ge20');
      expect(http[0]!.akamai).toMatch(/^(\d+:\d+;)*\d+:\d+\|\d+\|[\d:,]+\|[msap](,[msap]){3}$/);
      const meta = f.http_requests.filter((x) => x.h2_header_names);
      if (meta.length) {
        // tshark (with the same key log) recorded the header names of the first request.
        const names = meta[0]!.h2_header_names!.filter((n) => !n.startsWith(':') && !/^(cookie|referer)$/i.test(n));
        expect(http[0]!.ja4h.split('_')[1]).toBe(h12(names.join(',')));
      }
    });
  }
});
