// Diff verdicts on real pairs recorded on 127.0.0.1 (test/fixtures/clients). Expected facts are
// derived in the test from tshark's JA3 strings recorded with the fixtures, not from the code.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffFingerprints, diffJa4h } from '../../../core/explain/diff.js';
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

describe('JA4H diff verdicts on real requests', () => {
  const dir = join(clientFixtures()[0]!.dir, '../../http');
  it('two curl requests that differ only in cookie values', () => {
    const a = join(dir, 'curl-cookies-1.txt'), b = join(dir, 'curl-cookies-2.txt');
    const out = JSON.parse(spawnSync(process.execPath, [CLI, 'diff', a, b, '--json'], { encoding: 'utf8' }).stdout);
    // Independently: the first three JA4H parts are equal, the last differs.
    expect(out.a.ja4h.split('_').slice(0, 3)).toEqual(out.b.ja4h.split('_').slice(0, 3));
    expect(out.a.ja4h.split('_')[3]).not.toBe(out.b.ja4h.split('_')[3]);
    expect(out.findings).toEqual(['same cookie names, different cookie values']);
    expect(out.conclusion).toMatch(/^only cookie values differ/);
  });
  it('header order versus header set', () => {
    const d = diffJa4h(
      { name: 'a', ja4h: 'ge11nn020000_aaaaaaaaaaaa_000000000000_000000000000', parts: { headers: ['Host', 'Accept'], names: [], pairs: [] } },
      { name: 'b', ja4h: 'ge11nn020000_bbbbbbbbbbbb_000000000000_000000000000', parts: { headers: ['Accept', 'Host'], names: [], pairs: [] } });
    expect(d.findings).toEqual(['same headers, in a different order']);
    expect(d.conclusion).toMatch(/same headers in another order/);
  });
});
