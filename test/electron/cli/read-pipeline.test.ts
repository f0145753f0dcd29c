// `helloscope read` with a finishing thread (large files) must print exactly what the
// one-thread path prints: same records in the same order, same warnings, same exit status.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NdjsonBytes } from '../../../electron/cli/read/ndjson-bytes.js';
import { writeSynthCapture } from '../../bench/synth-capture.mjs';
import { splitPcap, joinPcap } from '../../helpers/pcap-edit.js';
import { CLI, CONFORMANCE, FIXTURES, ROOT } from '../../helpers/paths.js';

const run = (args: string[], threads: '1' | '2' | undefined) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, HELLOSCOPE_READ_THREADS: threads } });

function captures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...captures(p));
    else if (/\.(pcap|pcapng|cap)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

function same(args: string[]): { stdout: string } {
  const one = run(args, '1'), two = run(args, '2');
  expect(two.status).toBe(one.status);
  expect(two.stderr).toBe(one.stderr);
  expect(two.stdout).toBe(one.stdout);
  return one;
}

describe('read with a finishing thread', () => {
  const files = [...captures(FIXTURES), ...captures(join(CONFORMANCE, 'pcap'))];

  it('prints the same ndjson as one thread for every recorded and FoxIO capture (TCP, QUIC, DTLS, pcapng secrets)', () => {
    expect(files.length).toBeGreaterThan(40);
    const r = same(['read', ...files, '--raw', '--original', '--all']);
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // The comparison means something: thousands of records, TLS, QUIC and HTTP among them.
    expect(recs.length).toBeGreaterThan(500);
    expect(recs.some((x) => x.transport === 'udp' && x.ja4?.startsWith('q'))).toBe(true);
    expect(recs.some((x) => x.http?.length)).toBe(true);
    expect(recs.some((x) => x.tls_certs?.length)).toBe(true);
  }, 120_000);

  it('prints the same json and table', () => {
    const some = files.filter((f) => statSync(f).size < 2 << 20).slice(0, 20);
    same(['read', ...some, '--format', 'json']);
    same(['read', ...some, '--format', 'table']);
  }, 120_000);

  it('reports damage the same way: a cut packet record and a truncated file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-pipe-'));
    const src = readFileSync(join(FIXTURES, 'clients/curl-h2/capture.pcap'));
    const { header, records } = splitPcap(new Uint8Array(src));
    // A record whose captured length runs past the file's end, then the file ends mid-record.
    const damaged = joinPcap(header, records.slice(0, 12));
    const cut = damaged.subarray(0, damaged.length - 37);
    writeFileSync(join(dir, 'cut.pcap'), cut);
    const r = same(['read', join(dir, 'cut.pcap')]);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(run(['read', join(dir, 'cut.pcap')], '2').stderr).toMatch(/offset \d+/);
  });

  it('is used on its own for a file over 16 MB, with the same output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-pipe-'));
    const file = join(dir, 'big.pcap');
    writeSynthCapture(file, 9000, ROOT);
    expect(statSync(file).size).toBeGreaterThan(16 << 20);
    const auto = run(['read', file], undefined), one = run(['read', file], '1');
    expect(auto.status).toBe(0);
    expect(auto.stdout).toBe(one.stdout);
    expect(auto.stdout.trim().split('\n').length).toBe(9000);
    // Into a pipe read slowly (the output buffers wait for their writes before they are reused):
    // the same bytes.
    const slow = spawn(process.execPath, [CLI, 'read', file], { env: { ...process.env, HELLOSCOPE_READ_THREADS: '2' } });
    const got: Buffer[] = [];
    slow.stdout.on('data', (d: Buffer) => { got.push(d); slow.stdout.pause(); setTimeout(() => slow.stdout.resume(), 2); });
    await new Promise((res) => slow.on('close', res));
    expect(Buffer.concat(got).toString()).toBe(one.stdout);
  }, 120_000);
});

describe('ndjson output bytes', () => {
  it('are the lines in UTF-8 with a newline each, across growth and reused buffers', () => {
    const w = new NdjsonBytes();
    const lines = ['{"a":1}', '{"name":"bücher.example","note":"日本語 ✓ 🐈"}', 'x'.repeat(300_000), ''];
    for (const l of lines) w.add(l);
    const a = w.take()!;
    expect(Buffer.from(a).toString('utf8')).toBe(lines.map((l) => l + '\n').join(''));
    expect(w.take()).toBeUndefined();
    // A buffer given back is filled again from its start.
    w.give(a.buffer as ArrayBuffer);
    w.add('{"b":2}');
    const b = w.take()!;
    expect(b.buffer).toBe(a.buffer);
    expect(Buffer.from(b).toString()).toBe('{"b":2}\n');
  });
});
