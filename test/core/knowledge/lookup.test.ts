// The knowledge base recognises each client from the test fixtures: captures recorded in
// separate runs from build/kb/recordings, which the entries were made from.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessUserAgent, clientFamily, knownClient, KB_ENTRIES, lookupClient } from '../../../core/knowledge/index.js';
import { CLI, CONFORMANCE, clientFixtures } from '../../helpers/paths.js';

const helloOf = (dir: string) => JSON.parse(spawnSync(process.execPath, [CLI, 'hello', join(dir, 'hello.bin')], { encoding: 'utf8' }).stdout);

describe('knowledge base', () => {
  const fixtures = clientFixtures().filter((f) => f.hellos.length);

  it('was built from its own recordings, not from the test fixtures', () => {
    const ours = KB_ENTRIES.filter((e) => e.source.startsWith('recorded on '));
    expect(ours.length).toBeGreaterThanOrEqual(15);
    for (const e of KB_ENTRIES) expect(e.source).toMatch(/^(recorded on |curl-impersonate signature |salesforce-ja3$)/);
  });

  for (const f of fixtures) {
    it(`recognises ${f.id} (${f.client}) from a fresh capture`, () => {
      const fp = helloOf(f.dir);
      const m = knownClient(fp);
      expect(m, f.id).not.toBeNull();
      expect(clientFamily(m!.client)).toBe(clientFamily(f.client));
      expect(m!.confidence).toBeGreaterThan(0.8);
    });
  }

  it('a near miss (Chromium without one extension, its JA4 hash changed) gets the Chromium label with a lower confidence and the difference named', () => {
    const chromium = helloOf(fixtures.find((f) => f.id === 'chromium')!.dir);
    const [a, ciphers, exts, sigs] = chromium.ja4_r.split('_');
    const fewer = exts.split(',').filter((e: string) => e !== '0012');
    expect(fewer.length).toBe(exts.split(',').length - 1);
    const ja4_r = [`${a.slice(0, 6)}${String(Number(a.slice(6, 8)) - 1).padStart(2, '0')}${a.slice(8)}`, ciphers, fewer.join(','), sigs].join('_');
    const m = lookupClient({ ja4: 'not-a-known-ja4', ja4_r }, KB_ENTRIES);
    expect(m?.client).toBe('Chromium');
    expect(m!.exact).toBe(false);
    expect(m!.confidence).toBeLessThan(1);
    expect(m!.confidence).toBeGreaterThan(0.6);
    expect(m!.differences.join(' ')).toContain('0012');
  });

  it('extension order alone does not change the match (JA4 sorts extensions): shuffled Chromium is still exact', () => {
    const chromium = helloOf(fixtures.find((f) => f.id === 'chromium')!.dir);
    const m = lookupClient({ ja4: chromium.ja4, ja4_r: chromium.ja4_r }, KB_ENTRIES);
    expect(m?.exact).toBe(true);
  });

  it('flags a User-Agent claiming Chrome on a curl handshake', () => {
    const curl = helloOf(fixtures.find((f) => f.id === 'curl-h2')!.dir);
    const v = assessUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', knownClient(curl));
    expect(v.consistent).toBe(false);
    expect(v.claimed.browser).toBe('chromium');
    expect(v.reasons.join(' ')).toMatch(/curl/);
    const ok = assessUserAgent('curl/7.88.1', knownClient(curl));
    expect(ok.consistent).toBe(true);
    expect(ok.automation).toBe('curl');
  });

  it('user labels win over the bundled entries', () => {
    const curl = helloOf(fixtures.find((f) => f.id === 'curl-h2')!.dir);
    const m = lookupClient(curl, KB_ENTRIES, [{ label: 'our scraper', client: 'scraper', ja4: curl.ja4, source: 'user' }]);
    expect(m?.label).toBe('our scraper');
  });
});

describe('browser builds from curl-impersonate signatures', () => {
  it('recognise the Chrome and Firefox hellos in the FoxIO captures as Chrome and Firefox', () => {
    // tls-sni.pcapng is Chrome (FoxIO's expected JA4 t13d1516h2_8daaf6152771_e5627efa2ab1).
    const recs = spawnSync(process.execPath, [CLI, 'read', join(CONFORMANCE, 'pcap/tls-sni.pcapng')], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const chrome = recs.find((r) => r.ja4 === 't13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(chrome.client.label).toMatch(/^Chrome /);
    expect(chrome.client.exact).toBe(true);
    expect(KB_ENTRIES.some((e) => e.client === 'Firefox' && e.source.startsWith('curl-impersonate'))).toBe(true);
  });
});
