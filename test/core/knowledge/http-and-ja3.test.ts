// The knowledge base's JA3-only entries (Salesforce's list) and its JA4H / Akamai values. Expected
// values come from outside the code under test: the Salesforce CSV read here, tshark's decoding of
// the test fixtures (separate recordings from build/kb/recordings, which the entries were made
// from), and the third_party block that the lexiforest signature files carry.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KB_ENTRIES, knownClient, knownHttpClient, lookupClient, lookupHttpClient, SALESFORCE_JA3 } from '../../../core/knowledge/index.js';
import { clientFixtures, ROOT, SHARED } from '../../helpers/paths.js';
import { refJa4h, tsharkFirstRequest } from '../../helpers/tshark-http.js';

const DATA = join(ROOT, 'core/knowledge/data');

describe("Salesforce's JA3 list", () => {
  const csv = readFileSync(join(SHARED, 'data/salesforce-ja3/osx-nix-ja3.csv'), 'utf8');
  const rows = [...csv.matchAll(/^([0-9a-f]{32}),"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!] as const);

  it('keeps its BSD-3 notice next to the data, word for word', () => {
    const notice = readFileSync(join(DATA, 'LICENSE-salesforce-ja3'), 'utf8');
    expect(notice).toBe(readFileSync(join(SHARED, 'data/salesforce-ja3/LICENSE'), 'utf8'));
    expect(notice).toContain('Copyright (c) 2017, Salesforce.com, Inc.');
    expect(notice).toContain('Neither the name of Salesforce.com nor the names of its contributors may be used to endorse or promote products');
    expect(readFileSync(join(DATA, 'README.md'), 'utf8')).toContain('LICENSE-salesforce-ja3');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('LICENSE-salesforce-ja3');
  });

  it('every row of the CSV is a JA3-only entry with the names as the list gives them', () => {
    expect(rows.length).toBe(157);
    expect(SALESFORCE_JA3.length).toBe(rows.length);
    const sf = KB_ENTRIES.filter((e) => e.source === 'salesforce-ja3');
    expect(sf.map((e) => [e.ja3, e.client])).toEqual(rows.map(([h, n]) => [h, n.trim()]));
    for (const e of sf) expect(e.ja4).toBe('');
  });

  it('is found by the JA3 fallback, with a lower confidence than any JA4 match, marked JA3-only', () => {
    const fullJa3 = new Set(KB_ENTRIES.filter((e) => e.ja4).map((e) => e.ja3));
    const spotify = rows.find(([, n]) => n === 'Amazon Music,Dreamweaver,Spotify')!;
    for (const [ja3, names] of rows.filter(([h]) => !fullJa3.has(h))) {
      const m = knownClient({ ja4: 't13d0000h2_000000000000_000000000000', ja3 });
      expect(m, names).not.toBeNull();
      expect(m!.client).toBe(names.trim());
      expect(m!.entry.source).toBe('salesforce-ja3');
      expect(m!.exact).toBe(false);
      expect(m!.confidence).toBeLessThan(0.7); // a JA3 match on an entry with a JA4 gets 0.7, a JA4 match more
      expect(m!.differences[0]).toBe('matched on JA3 only');
      expect(m!.differences.join(' ')).toMatch(/JA3-only entry/);
    }
    expect(knownClient({ ja4: 'x', ja3: spotify[0] })!.differences.join(' ')).toContain('several applications');
  });

  it('an empty JA4 in a query matches no JA3-only or HTTP-only entry exactly', () => {
    expect(lookupClient({ ja4: '' }, KB_ENTRIES)).toBeNull();
  });

  it('keeps the generated data file small (under 100 KB)', () => {
    expect(statSync(join(DATA, 'kb-data.ts')).size).toBeLessThan(100_000);
  });
});

describe('JA4H and Akamai of recorded clients, against tshark on the separate test fixtures', () => {
  const fixtures = clientFixtures().filter((f) => existsSync(join(f.dir, 'capture.pcap')));
  const port = (id: string) => (id.endsWith('-plain-http') ? 18080 : 18443);
  let checked = 0;
  for (const f of fixtures) {
    const entry = KB_ENTRIES.find((e) => e.source.startsWith('recorded on ') && e.source.endsWith(`(${f.id})`));
    const decryptable = !f.hellos.length || existsSync(join(f.dir, 'keylog.txt'));
    it(`${f.id}: ${decryptable ? 'JA4H (and Akamai over HTTP/2), if it made a request, as tshark decodes the fixture' : 'no key log in the fixture, nothing to compare'}`, () => {
      const req = decryptable ? tsharkFirstRequest(f.dir, port(f.id)) : undefined;
      if (!req) {
        // No HTTP request to see: then the entry (made from a capture without one either) has none.
        if (entry) expect(entry.ja4h, f.id).toBeUndefined();
        return;
      }
      expect(entry, f.id).toBeDefined();
      expect(entry!.ja4h).toBe(refJa4h(req));
      expect(entry!.akamai).toBe(req.akamai);
      checked++;
    });
  }
  it('compared at least the HTTP/2 and HTTP/1.1 clients with key logs and the plain-HTTP ones', () => {
    expect(checked).toBeGreaterThanOrEqual(14);
    expect(KB_ENTRIES.filter((e) => e.source.startsWith('recorded on ') && e.akamai !== undefined).map((e) => e.client)).toEqual(expect.arrayContaining(['Chromium', 'Firefox ESR', 'curl', 'Go net/http']));
  });

  it('knownHttpClient finds a client by JA4H and Akamai from a fresh capture, with a lower confidence than a TLS match', () => {
    const f = clientFixtures().find((x) => x.id === 'firefox-esr')!;
    const req = tsharkFirstRequest(f.dir, 18443)!;
    const m = knownHttpClient({ ja4h: refJa4h(req), akamai: req.akamai });
    expect(m?.client).toBe('Firefox ESR');
    expect(m!.confidence).toBe(0.8);
    expect(m!.differences).toEqual(['matched on JA4H and Akamai (HTTP only)']);
    const wget = clientFixtures().find((x) => x.id === 'wget-plain-http')!;
    const w = knownHttpClient({ ja4h: refJa4h(tsharkFirstRequest(wget.dir, 18080)!) });
    expect(w?.client).toBe('wget');
    expect(w!.confidence).toBe(0.5);
    // Cookie hashes are ignored (site-specific); an unknown header order matches nothing.
    const [a, b] = refJa4h(req).split('_');
    expect(lookupHttpClient({ ja4h: `${a}_${b}_111111111111_222222222222` }, KB_ENTRIES)?.client).toBe('Firefox ESR');
    expect(knownHttpClient({ ja4h: `${a}_000000000001_000000000000_000000000000` })).toBeNull();
  });
});

describe('curl-impersonate signatures: Akamai and JA4H from the signature fields', () => {
  const dir = join(SHARED, 'data/curl-impersonate-lexiforest');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const sigEntries = KB_ENTRIES.filter((e) => e.source.startsWith('curl-impersonate signature '));

  it('lexiforest profiles that lwthiker lacks are in, each once; the lexiforest notice is next to the data', () => {
    const lex = sigEntries.filter((e) => e.source.includes('lexiforest'));
    expect(lex.length).toBe(29);
    expect(lex.some((e) => e.client === 'Tor Browser')).toBe(true);
    expect(new Set(sigEntries.map((e) => e.source)).size).toBe(sigEntries.length);
    expect(readFileSync(join(DATA, 'LICENSE-curl-impersonate-lexiforest'), 'utf8')).toBe(readFileSync(join(dir, 'LICENSE'), 'utf8'));
  });

  it('Akamai agrees with the akamai_text of the third_party block the signature files carry (measured by a third-party service)', () => {
    let n = 0;
    for (const f of files) {
      const y = parse(readFileSync(join(dir, f), 'utf8'), { customTags: [{ tag: 'tag:yaml.org,2002:binary', resolve: (s: string) => s }] }) as { third_party?: { akamai_text?: string; ja3_text?: string; ja3_hash?: string } };
      const e = sigEntries.find((x) => x.source.startsWith(`curl-impersonate signature ${f.replace(/\.yaml$/, '')} `));
      if (!e || !y.third_party?.akamai_text) continue;
      expect(e.akamai, f).toBe(y.third_party.akamai_text);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(15);
  });

  it('JA4H from the signature headers (GET assumed), no Akamai where the signature has no SETTINGS', () => {
    for (const f of files) {
      const y = parse(readFileSync(join(dir, f), 'utf8'), { customTags: [{ tag: 'tag:yaml.org,2002:binary', resolve: (s: string) => s }] }) as { signature: { http2?: { frames?: { frame_type: string; headers?: string[]; pseudo_headers?: string[] }[] } } };
      const e = sigEntries.find((x) => x.source.startsWith(`curl-impersonate signature ${f.replace(/\.yaml$/, '')} `));
      if (!e) continue;
      const frames = y.signature.http2?.frames ?? [];
      const hf = frames.find((x) => x.frame_type === 'HEADERS')!;
      const headers = (hf.headers ?? []).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as [string, string]);
      expect(e.ja4h, f).toBe(refJa4h({ method: 'GET', version: 'HTTP/2', headers }));
      if (!frames.some((x) => x.frame_type === 'SETTINGS')) expect(e.akamai, f).toBeUndefined();
    }
    // lwthiker's signatures have no SETTINGS at all: JA4H only.
    for (const e of sigEntries.filter((x) => x.source.includes('lwthiker'))) {
      expect(e.ja4h).toMatch(/^ge20n/);
      expect(e.akamai).toBeUndefined();
    }
  });

  it('the Chromium fixture (a recording) and Chrome 124+ signatures share their JA4H and Akamai', () => {
    const chromium = KB_ENTRIES.find((e) => e.source.endsWith('(chromium)'))!;
    const m = lookupHttpClient({ ja4h: chromium.ja4h, akamai: chromium.akamai }, sigEntries);
    expect(m?.client).toBe('Chrome');
  });
});
