// Diff verdicts on real pairs recorded on 127.0.0.1 (test/fixtures/clients). Expected facts are
// derived in the test from tshark's JA3 strings recorded with the fixtures, not from the code.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFingerprints } from '../../../core/explain/diff.js';
import { CLI, clientFixtures } from '../../helpers/paths.js';

const fx = (id: string) => clientFixtures().find((f) => f.id === id)!;
const hello = (id: string) => ({ name: id, ...JSON.parse(spawnSync(process.execPath, [CLI, 'hello', join(fx(id).dir, 'hello.bin')], { encoding: 'utf8' }).stdout) });
const ja3Exts = (s: string) => s.split(',')[2]!.split('-');

describe('diff verdicts on real pairs', () => {
  it('two Chromium connections: same extensions in another order, JA4 equal, JA3 differs (extension shuffling)', () => {
    const c = fx('chromium');
    const [h1, h2] = c.hellos;
    // tshark's JA3 strings: same extension set, different order.
    expect([...ja3Exts(h1!.tshark_ja3_full)].sort()).toEqual([...ja3Exts(h2!.tshark_ja3_full)].sort());
    expect(ja3Exts(h1!.tshark_ja3_full)).not.toEqual(ja3Exts(h2!.tshark_ja3_full));
    const out = spawnSync(process.execPath, [CLI, 'diff', `${join(c.dir, 'capture.pcap')}#${h1!.stream}`, `${join(c.dir, 'capture.pcap')}#${h2!.stream}`, '--json'], { encoding: 'utf8' });
    const d = JSON.parse(out.stdout);
    expect(d.equal).toEqual({ ja4: true, ja3: false });
    expect(d.conclusion).toMatch(/extension shuffling/);
  });

  it('curl with and without ALPN: only ALPN differs', () => {
    const a = hello('curl-h2'), b = hello('curl-no-alpn');
    expect(ja3Exts(fx('curl-h2').hellos[0]!.tshark_ja3_full).filter((e) => !ja3Exts(fx('curl-no-alpn').hellos[0]!.tshark_ja3_full).includes(e))).toEqual(['16']);
    const d = diffFingerprints(a, b);
    expect(d.equal.ja4).toBe(false);
    expect(d.findings).toContain('extensions only in A: 0010 (ALPN)');
    expect(d.conclusion).toMatch(/^only ALPN differs/);
  });

  it('Chromium versus Firefox: different cipher suites and extensions, each named', () => {
    const a = hello('chromium'), b = hello('firefox-esr');
    const d = diffFingerprints(a, b);
    const ca = new Set(a.ja4_r.split('_')[1].split(',')), cb = b.ja4_r.split('_')[1].split(',');
    const onlyB = cb.filter((x: string) => !ca.has(x));
    expect(d.findings).toContain(`cipher suites only in B: ${onlyB.join(', ')}`);
    expect(d.conclusion).toMatch(/different TLS libraries/);
  });

  it('the same hello twice is identical; a JA4 against itself as a string too', () => {
    const a = hello('wget');
    expect(diffFingerprints(a, a).conclusion).toMatch(/^identical/);
    expect(diffFingerprints({ name: 'x', ja4: a.ja4 }, { name: 'y', ja4: a.ja4 }).equal.ja4).toBe(true);
  });
});
