// `helloscope read` on gzipped captures (as they are often shipped; Wireshark reads them as they
// are) and on standard input (`tcpdump -w - | helloscope read -`, `zcat … | helloscope read -`):
// the same records as the plain file; a gzip stream cut or damaged keeps what came before it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, CONFORMANCE, FIXTURES } from '../../helpers/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'hs-read-compressed-'));
const run = (args: string[], input?: Buffer, threads?: '1' | '2') =>
  spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, HELLOSCOPE_READ_THREADS: threads } });
/** Compressed with the system's tool, as a user's file would be. */
function packed(file: string, tool: 'gzip' | 'xz'): string {
  const out = join(tmp, `${file.split('/').slice(-2).join('-')}.${tool === 'gzip' ? 'gz' : 'xz'}`);
  const r = spawnSync(tool, ['-c', file], { maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  writeFileSync(out, r.stdout);
  return out;
}

describe('read: gzip and standard input', () => {
  const chromium = join(FIXTURES, 'clients/chromium/capture.pcap');
  const pcapng = join(CONFORMANCE, 'pcap/tls-handshake.pcapng');

  it('a gzipped pcap or pcapng prints what the plain file prints, with one thread or two', () => {
    for (const f of [chromium, pcapng]) {
      const plain = run(['read', f, '--raw', '--original']);
      expect(plain.status).toBe(0);
      expect(plain.stdout.length).toBeGreaterThan(100);
      const gz = packed(f, 'gzip');
      expect(readFileSync(gz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      for (const threads of ['1', '2'] as const) {
        const r = run(['read', gz, '--raw', '--original'], undefined, threads);
        expect(r.stderr).toBe(plain.stderr);
        expect(r.stdout).toBe(plain.stdout);
      }
    }
  });

  it('- reads standard input, plain or gzipped', () => {
    const plain = run(['read', chromium]);
    expect(run(['read', '-'], readFileSync(chromium)).stdout).toBe(plain.stdout);
    expect(run(['read', '-'], readFileSync(packed(chromium, 'gzip'))).stdout).toBe(plain.stdout);
    const bad = run(['read', '-', '-'], Buffer.alloc(0));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/standard input \(-\) can be given once/);
  });

  it('a gzip file cut short: a warning with the compressed offset, the records before the cut are kept', () => {
    const whole = readFileSync(packed(pcapng, 'gzip'));
    const cut = join(tmp, 'cut.pcapng.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const full = run(['read', pcapng, '--all']).stdout.trim().split('\n');
    const r = run(['read', cut, '--all']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`cut\\.pcapng\\.gz: offset \\d+: gzip data damaged, found at compressed byte \\d+: unexpected end of file; the \\d+ bytes of capture decompressed before it are kept`));
    const got = r.stdout.trim().split('\n').filter(Boolean);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThanOrEqual(full.length);
  });

  it('other compressions get one clear error naming them, exit 1', () => {
    const r = run(['read', packed(chromium, 'xz')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/starts with fd 37 7a 58 5a 00 .*it looks xz-compressed: decompress it first \(xz -d\)/);
  });
});
