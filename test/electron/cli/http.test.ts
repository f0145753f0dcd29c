// `helloscope http` and JA4H on real clients recorded over plain HTTP (test/fixtures/clients/*-plain-http),
// with the header list checked against tshark's dissection of the same capture.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, FIXTURES, clientFixtures } from '../../helpers/paths.js';

const run = (args: string[], input?: string | Uint8Array) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
const h12 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);

describe('helloscope http', () => {
  it('prints the JA4H family of a raw request read from stdin', () => {
    const r = run(['http', '-'], 'GET /x HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\nCookie: b=1; a=2\r\nReferer: r\r\n\r\n');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ja4h).toBe(`ge11cr020000_${h12('Host,User-Agent')}_${h12('a,b')}_${h12('a=2,b=1')}`);
    expect(out.ja4h_r).toBe('ge11cr020000_Host,User-Agent_a,b_a=2,b=1');
    expect(out.ja4h_ro).toBe('ge11cr020000_Host,User-Agent_b,a_b=1,a=2');
    expect(out.ja4h_o).toBe(`ge11cr020000_${h12('Host,User-Agent')}_${h12('b,a')}_${h12('b=1,a=2')}`);
  });
  it('reproduces the specification example file', () => {
    const out = JSON.parse(run(['http', join(FIXTURES, 'http-spec-post.txt')]).stdout);
    expect(out.ja4h.startsWith('po11cr10enus_47d05ed57293_')).toBe(true);
  });
  it('reads the client side of an HTTP/2 connection (Node\'s http2 client, prior knowledge)', async () => {
    // Regression: the preface was read as an HTTP/1 request line, `PRI * HTTP/2.0`, giving
    // pr20nn000000_... and exit 0 for any HTTP/2 input.
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      const srv = createServer((sock) => {
        sock.write(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])); // the server's SETTINGS
        sock.on('data', (d) => {
          chunks.push(d);
          clearTimeout(timer);
          timer = setTimeout(() => { c.destroy(); sock.destroy(); srv.close(); resolve(Buffer.concat(chunks)); }, 300);
        });
      });
      let c: ReturnType<typeof connect>;
      srv.listen(0, '127.0.0.1', () => {
        c = connect(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
        c.on('error', reject);
        const r = c.request({ ':path': '/x', cookie: 'b=1; a=2', 'user-agent': 't' });
        r.on('error', () => {});
        r.end();
      });
    });
    const f = join(mkdtempSync(join(tmpdir(), 'hs-http-')), 'h2.bin');
    writeFileSync(f, bytes);
    const r = run(['http', f]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ method: 'GET', target: '/x', version: 'HTTP/2', ja4h_r: 'ge20cn010000_user-agent_a,b_a=2,b=1' });
    expect(out.akamai).toMatch(/^[^|]*\|\d+\|[^|]+\|[mpas](,[mpas]){3}$/); // SETTINGS|WINDOW_UPDATE|PRIORITY|pseudo-headers
    expect(run(['http', '-'], bytes.subarray(0, 24)).status).toBe(1); // the preface alone: no request
  });
  it('fails with one line for input that is not HTTP', () => {
    const r = run(['http', '-'], '\x16\x03\x01 binary');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/offset 0/);
  });
});

describe('JA4H of real clients in captures (helloscope read)', () => {
  for (const f of clientFixtures().filter((x) => x.id.endsWith('plain-http'))) {
    it(`${f.id}: header names in wire order as tshark dissects them`, () => {
      const pcap = join(f.dir, 'capture.pcap');
      const t = spawnSync('tshark', ['-r', pcap, '-Y', 'http.request', '-T', 'json', '-e', 'http.request.method', '-e', 'http.request.line'], { encoding: 'utf8' });
      const rows = (JSON.parse(t.stdout) as { _source: { layers: Record<string, string[]> } }[]).map((x) => [x._source.layers['http.request.method']![0]!, x._source.layers['http.request.line']!] as const);
      expect(rows.length).toBeGreaterThan(0);
      const recs = run(['read', pcap, '--raw']).stdout.trim().split('\n').map((l) => JSON.parse(l));
      const http = recs.flatMap((r) => r.http ?? []);
      expect(http.length).toBe(rows.length);
      rows.forEach(([method, lines], i) => {
        const names = lines.map((l) => l.slice(0, l.indexOf(':'))).filter((n) => !/^(cookie|referer)$/i.test(n));
        expect(http[i].method).toBe(method);
        expect(http[i].ja4h.split('_')[1]).toBe(h12(names.join(',')));
        expect(http[i].ja4h_r.startsWith(`${http[i].ja4h.slice(0, 12)}_${names.join(',')}_`)).toBe(true);
        expect(http[i].ja4h.slice(6, 8)).toBe(String(Math.min(names.length, 99)).padStart(2, '0'));
      });
    });
  }
});
