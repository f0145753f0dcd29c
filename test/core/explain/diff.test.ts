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

describe('diff of pasted fingerprints (raw JA4 forms, JA3 strings)', () => {
  const c = fx('chromium');
  const pcap = join(c.dir, 'capture.pcap');
  const rec = (stream: number) => JSON.parse(spawnSync(process.execPath, [CLI, 'read', pcap, '--raw', '--original', '--format', 'json'], { encoding: 'utf8' }).stdout).find((r: { stream: number; transport: string }) => r.transport === 'tcp' && r.stream === stream);
  const diff = (a: string, b: string) => JSON.parse(spawnSync(process.execPath, [CLI, 'diff', a, b, '--json'], { encoding: 'utf8' }).stdout);
  const text = (a: string, b: string) => spawnSync(process.execPath, [CLI, 'diff', a, b], { encoding: 'utf8' }).stdout;
  const [h1, h2] = c.hellos;
  const r1 = rec(h1!.stream), r2 = rec(h2!.stream);

  it('two _ro strings of Chromium connections: JA4 equal (derived from the raw form), extension shuffling', () => {
    const d = diff(r1.ja4_ro, r2.ja4_ro);
    expect(d.a.ja4).toBe(r1.ja4);
    expect(d.b.ja4).toBe(r2.ja4);
    expect(d.a.ja4_r).toBe(r1.ja4_r);
    expect(d.equal.ja4).toBe(true);
    expect(d.findings).toContain('same extensions, in a different order');
    expect(text(r1.ja4_ro, r2.ja4_ro)).toMatch(new RegExp(`^A: ${r1.ja4} `));
  });

  it('a raw form against its own JA4, and a raw form against itself: equal', () => {
    expect(diff(r1.ja4_ro, r1.ja4).equal.ja4).toBe(true);
    expect(diff(r1.ja4_r, r1.ja4).equal.ja4).toBe(true);
    const same = diff(r1.ja4_r, r1.ja4_r);
    expect(same.conclusion).toMatch(/^JA4 equal/);
    expect(same.a.ja4_ro).toBeUndefined();
  });

  it('an _r string stays _r although its signature algorithms are not sorted; _r against _ro compares the sorted lists', () => {
    const sigs = r1.ja4_r.split('_')[3].split(',');
    expect([...sigs].sort()).not.toEqual(sigs);
    expect(diff(r1.ja4_r, r2.ja4_r).a.ja4_r).toBe(r1.ja4_r);
    const d = diff(r1.ja4_r, r2.ja4_ro);
    expect(d.equal.ja4).toBe(true);
    expect(d.findings).toEqual([]);
  });

  it('JA3 strings: tshark\'s two Chromium strings are the same extensions reordered; identical strings are identical', () => {
    const a = h1!.tshark_ja3_full, b = h2!.tshark_ja3_full;
    const d = diff(a, b);
    expect(d.equal.ja3).toBe(false);
    expect(d.a.ja3).toBe(h1!.tshark_ja3);
    expect(d.findings).toContain('same extensions, in a different order');
    expect(d.conclusion).toMatch(/extension shuffling/);
    const same = diff(a, a);
    expect(same.equal.ja3).toBe(true);
    expect(same.conclusion).toMatch(/^identical JA3/);
  });

  it('JA3 strings that differ in one cipher suite, or only in cipher order, say so', () => {
    const added = diff('771,4865-4866,0-11,29-23,0', '771,4865-4866-4867,0-11,29-23,0');
    expect(added.findings).toEqual(['cipher suites only in B: 4867']);
    const order = diff('771,4865-4866,0-11,29-23,0', '771,4866-4865,0-11,29-23,0');
    expect(order.findings).toEqual(['same cipher suites, in a different order']);
    expect(order.conclusion).toMatch(/another order of preference/);
    const alpn = diff('771,4865-4866,0-11-16,29-23,0', '771,4865-4866,0-11,29-23,0');
    expect(alpn.findings).toEqual(['extensions only in A: 16 (ALPN)']);
    expect(alpn.conclusion).toMatch(/^only ALPN differs/);
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
