import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { writeSynthCapture } from '../../bench/synth-capture.mjs';
import { CLI, CONFORMANCE, ROOT, clientFixtures } from '../../helpers/paths.js';

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

describe('helloscope read', () => {
  const chromium = clientFixtures().find((f) => f.id === 'chromium')!;
  const pcap = join(chromium.dir, 'capture.pcap');

  it('prints ndjson (not a terminal) with the FoxIO key names, src being the client', () => {
    const r = run(['read', pcap]);
    expect(r.status).toBe(0);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const first = recs.find((x) => x.stream === chromium.hellos[0]!.stream)!;
    expect(first).toMatchObject({ transport: 'tcp', src: '127.0.0.1', dst: '127.0.0.1', dst_port: 18443, tls_server_name: 'localhost', ja4: chromium.hellos[0]!.ref_ja4, ja3: chromium.hellos[0]!.tshark_ja3 });
    expect(typeof first.src_port).toBe('number');
    for (const k of ['stream', 'transport', 'src', 'dst', 'src_port', 'dst_port', 'ja4', 'ja4s', 'ja4t', 'ja4ts', 'ja4l_c', 'ja4l_s', 'ja3', 'ja3_full', 'ja3n', 'ja3s', 'ja3s_full']) expect(first).toHaveProperty(k);
    expect(first).not.toHaveProperty('ja4_r');
  });

  it('adds the raw and original forms with --raw and --original', () => {
    const recs = run(['read', pcap, '--raw', '--original']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const first = recs.find((x) => x.stream === chromium.hellos[0]!.stream)!;
    expect(first.ja4_o).toBe(chromium.hellos[0]!.ref_ja4_o);
    expect(first.ja4_r).toMatch(/^t13d1517h2_[0-9a-f,]+_[0-9a-f,]+_[0-9a-f,]+$/);
    expect(first).toHaveProperty('ja4_ro');
    expect(first).toHaveProperty('ja4s_r');
  });

  it('gives the raw original-order forms only with both flags, as FoxIO\'s tools do', () => {
    const raw = run(['read', pcap, '--raw']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const r1 = raw.find((x) => x.stream === chromium.hellos[0]!.stream)!;
    expect(r1.ja4).toBe(chromium.hellos[0]!.ref_ja4);
    expect(r1).toHaveProperty('ja4_r');
    expect(r1).not.toHaveProperty('ja4_ro');
    expect(r1).not.toHaveProperty('ja4_o');
    const orig = run(['read', pcap, '--original']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const o1 = orig.find((x) => x.stream === chromium.hellos[0]!.stream)!;
    expect(o1.ja4_o).toBe(chromium.hellos[0]!.ref_ja4_o);
    expect(o1).not.toHaveProperty('ja4_ro');
    expect(o1).not.toHaveProperty('ja4_r');
    // JA4H: ja4h_o is the hash of the cookies in the order sent (rebuilt here from ja4h_ro's parts).
    const cookies = join(CONFORMANCE, 'pcap', 'http1-with-cookies.pcapng');
    const both = JSON.parse(run(['read', cookies, '--raw', '--original', '--format', 'json']).stdout).flatMap((x: { http?: unknown[] }) => x.http ?? []);
    const o = JSON.parse(run(['read', cookies, '--original', '--format', 'json']).stdout).flatMap((x: { http?: unknown[] }) => x.http ?? []);
    expect(both.length).toBeGreaterThan(0);
    const h12 = (s: string) => (s ? createHash('sha256').update(s).digest('hex').slice(0, 12) : '000000000000');
    // ja4h_ro is a_names_cookieNames_pairs, and cookie names may hold '_': the split is where
    // the cookie names are the pairs' names.
    const parts = (ro: string): [string, string, string, string] => {
      const [a, names] = ro.split('_', 2) as [string, string];
      const rest = ro.slice(a.length + names.length + 2);
      for (let k = rest.indexOf('_'); k >= 0; k = rest.indexOf('_', k + 1)) {
        const cookieNames = rest.slice(0, k), pairs = rest.slice(k + 1);
        if (pairs.split(',').map((x) => x.split('=')[0]).join(',') === cookieNames) return [a, names, cookieNames, pairs];
      }
      throw new Error(`no cookie split in ${ro}`);
    };
    for (let i = 0; i < both.length; i++) {
      const [a, names, cookieNames, pairs] = parts(both[i].ja4h_ro);
      expect(o[i].ja4h_o).toBe(`${a}_${h12(names)}_${h12(cookieNames)}_${h12(pairs)}`);
      expect(o[i].ja4h).toBe(both[i].ja4h);
      expect(o[i]).not.toHaveProperty('ja4h_ro');
      expect(o[i]).not.toHaveProperty('ja4h_r');
    }
    // The capture's two cookies are not in sorted order, so the two hashes differ.
    expect(o[0].ja4h_o).not.toBe(o[0].ja4h);
  });

  it('prints json, yaml and table on request, in stream order', () => {
    const j = JSON.parse(run(['read', pcap, '--format', 'json']).stdout);
    const y = parseYaml(run(['read', pcap, '--format', 'yaml']).stdout);
    expect(y).toEqual(j);
    expect(j.map((x: { stream: number }) => x.stream)).toEqual([...j.map((x: { stream: number }) => x.stream)].sort((a, b) => a - b));
    const t = run(['read', pcap, '--format', 'table']).stdout;
    expect(t).toContain(chromium.hellos[0]!.ref_ja4);
    expect(t.split('\n')[0]).toMatch(/^stream\s+client\s+server\s+sni\s+ja4/);
  });

  it('yaml reads back as the json with YAML 1.1 readers (PyYAML) as well as 1.2 ones', () => {
    // Regression: JA4L `5_64` and JA4T `8192_00_00_00` were plain scalars, integers to a YAML 1.1
    // reader; a server name such as `0o1234567` was a plain 1.2 octal.
    const dir = mkdtempSync(join(tmpdir(), 'hs-read-'));
    const files = [pcap, join(CONFORMANCE, 'pcap/gre-erspan-vxlan.pcap')];
    const b = Buffer.from(readFileSync(pcap));
    for (const name of ['0o1234567', '1_000_000']) {
      const f = join(dir, `${name}.pcap`);
      writeFileSync(f, b.toString('latin1').replaceAll('localhost', name), 'latin1'); // same length: nothing else moves
      files.push(f);
    }
    for (const f of files) {
      const j = JSON.parse(run(['read', f, '--format', 'json']).stdout);
      const y = run(['read', f, '--format', 'yaml']).stdout;
      expect(parseYaml(y, { version: '1.1' }), f).toEqual(j);
      expect(parseYaml(y), f).toEqual(j);
    }
    expect(JSON.parse(run(['read', files[2]!, '--format', 'json']).stdout).map((r: { tls_server_name?: string }) => r.tls_server_name)).toContain('0o1234567');
  });

  it('table: control characters from the capture escaped, a file column for several files, IPv6 in brackets', () => {
    // Regression: a newline in a server name broke its row, an escape sequence went to the
    // terminal as it was, and rows of two files both read tcp/0 with nothing to tell them apart.
    const dir = mkdtempSync(join(tmpdir(), 'hs-read-'));
    const odd = join(dir, 'odd.pcap');
    writeFileSync(odd, Buffer.from(readFileSync(pcap)).toString('latin1').replaceAll('localhost', 'lo\nca\x1b[1m'), 'latin1');
    const t = run(['read', odd, '--format', 'table']).stdout;
    expect(t).not.toContain('\x1b');
    const rows = t.trim().split('\n');
    expect(rows).toHaveLength(2 + JSON.parse(run(['read', odd, '--format', 'json']).stdout).length + 1);
    expect(t).toContain('lo\\x0aca\\x1b[1m');
    expect(t).toContain('[::1]:18443');
    const wget = join(clientFixtures().find((f) => f.id === 'wget')!.dir, 'capture.pcap');
    const two = run(['read', pcap, wget, '--format', 'table']).stdout.split('\n');
    expect(two[0]).toMatch(/^file\s+stream\s+client/);
    expect(two.filter((l) => l.startsWith(wget))).toHaveLength(1);
  });

  it('table of 200,000 conversations', () => {
    // Regression: the column widths were Math.max(...cells), which overflowed the stack from about
    // 150,000 rows (internal error, exit 70). One SYN per conversation keeps the file small.
    const dir = mkdtempSync(join(tmpdir(), 'hs-read-'));
    const n = 200_000, pkt = 54 + 4, out = Buffer.alloc(24 + n * (16 + pkt));
    out.writeUInt32LE(0xa1b2c3d4, 0); out.writeUInt16LE(2, 4); out.writeUInt16LE(4, 6); out.writeUInt32LE(65535, 16); out.writeUInt32LE(1, 20);
    for (let i = 0, o = 24; i < n; i++, o += 16 + pkt) {
      out.writeUInt32LE(1000 + Math.floor(i / 1000), o); out.writeUInt32LE((i % 1000) * 1000, o + 4); out.writeUInt32LE(pkt, o + 8); out.writeUInt32LE(pkt, o + 12);
      const e = o + 16;
      out.writeUInt16BE(0x0800, e + 12);
      out.set([0x45, 0, 0, 44, 0, 0, 0, 0, 64, 6, 0, 0, 10, (i >> 16) & 255, (i >> 8) & 255, i & 255, 10, 255, 0, 1], e + 14);
      out.writeUInt16BE(1024 + (i % 60000), e + 34); out.writeUInt16BE(443, e + 36); out.writeUInt32BE(1, e + 38);
      out.set([0x60, 0x02, 0xfa, 0xf0, 0, 0, 0, 0, 2, 4, 5, 0xb4], e + 46); // SYN, window 64240, MSS 1460
    }
    const f = join(dir, 'syns.pcap');
    writeFileSync(f, out);
    const r = spawnSync(process.execPath, [CLI, 'read', f, '--format', 'table'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith(`\n${n} conversations\n`)).toBe(true);
  });

  it('lists x509 certificates with ja4x and names, as the FoxIO tool does', () => {
    const recs = run(['read', join(CONFORMANCE, 'pcap/badcurveball.pcap')]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(recs[0].tls_certs[0].x509[0]).toMatchObject({ ja4x: expect.stringMatching(/^[0-9a-f]{12}_[0-9a-f]{12}_[0-9a-f]{12}$/), issuerCommonName: 'INFIGO' });
  });

  it('fails with exit 1 and the magic bytes for a file that is not a capture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-read-'));
    const f = join(dir, 'notes.txt');
    writeFileSync(f, 'hello world\n');
    const r = run(['read', f]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('68 65 6c 6c 6f 20 77 6f');
    expect(r.stderr).toContain(f);
  });

  it('warns with the file and byte offset for a truncated capture and still prints what it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-read-'));
    const f = join(dir, 'cut.pcap');
    const b = new Uint8Array(readFileSync(pcap));
    writeFileSync(f, b.subarray(0, b.length - 7));
    const r = run(['read', f]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: ${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: offset \\d+`));
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(0);
  });

  it('reads each of several files as if it were alone (pcapng decryption secrets do not leak between files)', () => {
    // Regression: the HTTP analyser cached the merged keys by the number of secrets blocks, so a
    // second file with as many blocks as the first was decrypted with the first file's keys.
    const dir = join(CONFORMANCE, 'pcap');
    const files = readdirSync(dir).filter((f) => f.endsWith('.pcapng')).sort().map((f) => join(dir, f));
    const together = run(['read', ...files]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const alone = files.flatMap((f) => run(['read', f]).stdout.trim().split('\n').filter(Boolean).map((l) => ({ ...JSON.parse(l), file: f })));
    expect(together).toEqual(alone);
    expect(together.filter((r) => r.file.endsWith('http2-with-cookies.pcapng') && r.http?.length).length).toBeGreaterThan(0);
  }, 60_000);

  it('stops quietly when the reader of its output goes away (read big.pcap | head -1), with one or two threads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-epipe-'));
    const file = join(dir, 'big.pcap');
    writeSynthCapture(file, 9000, ROOT);
    for (const threads of ['1', '2']) {
      const child = spawn(process.execPath, [CLI, 'read', file], { env: { ...process.env, HELLOSCOPE_READ_THREADS: threads }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => { err += d; });
      // Read the first line, then close our end of the pipe.
      await new Promise<void>((res) => child.stdout.once('data', () => { child.stdout.destroy(); res(); }));
      const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
      expect(err).not.toMatch(/EPIPE|Unhandled|at /);
      expect(code).toBe(0);
    }
  }, 60_000);
});
