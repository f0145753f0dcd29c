// Breakdown models on real recorded hellos, server flights, certificates and HTTP requests.
// Expected values come from the fixtures' recorded references (tshark, the reference JA4), from
// the independent compute functions, from node:crypto, and from the bytes the refs point at:
// never from the breakdown code itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakdownJa3, breakdownJa4, type FingerprintBreakdown, type Ja3Form, type Ja4Form } from '../../../core/explain/breakdown.js';
import { breakdownJa4h, breakdownJa4s, breakdownJa4x, type Ja4hForm } from '../../../core/fingerprint/ja4plus/breakdown.js';
import { computeJa4h } from '../../../core/fingerprint/ja4plus/ja4h.js';
import { computeJa4x } from '../../../core/fingerprint/ja4plus/ja4x.js';
import { computeJa3 } from '../../../core/fingerprint/ja3.js';
import { fingerprintClientHello, fingerprintServerHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { parseHttp1Request, parseHttp1Requests } from '../../../core/http/http1.js';
import type { HttpRequest } from '../../../core/http/model.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { looksLikeQuicLongHeader, QuicInitialTracker } from '../../../core/transport/quic/index.js';
import type { CertificateMessage } from '../../../core/tls/model.js';
import { bytes, clientHelloMessage, ext, tlsRecord, u16 } from '../../helpers/build-hello.js';
import { foxioPcap, foxioPcaps, wiresharkExpected } from '../../helpers/foxio-expected.js';
import { clientFixtures, FIXTURES, has, readBytes } from '../../helpers/paths.js';
import { readPackets } from '../../helpers/read-pcap.js';
import { refH12, refMd5 } from '../../helpers/reference-hash.js';

type Sources = Map<string, Uint8Array>;
const JA4_FORMS: Ja4Form[] = ['ja4', 'ja4_r', 'ja4_o', 'ja4_ro'];
const JA3_FORMS: Ja3Form[] = ['ja3', 'ja3_full', 'ja3n', 'ja3n_full'];
const JA4H_FORMS: Ja4hForm[] = ['ja4h', 'ja4h_r', 'ja4h_o', 'ja4h_ro'];
/** RFC 8701 GREASE, written independently of core/tls/grease.ts. */
const GREASE_HEX = /^([0-9a-f])a\1a$/;
const isGreaseHex = (t: string): boolean => GREASE_HEX.test(t);

const at = (src: Sources, r: { source: string; start: number; length: number }): Uint8Array => src.get(r.source)!.subarray(r.start, r.start + r.length);
const be = (b: Uint8Array): number => b.reduce((v, x) => v * 256 + x, 0);
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const part = (b: FingerprintBreakdown, id: string) => {
  const p = b.parts.find((x) => x.id === id);
  expect(p, `part ${id} of ${b.form}`).toBeDefined();
  return p!;
};

/** Invariants every breakdown keeps, whatever the method. */
function checkBreakdown(b: FingerprintBreakdown, src: Sources): void {
  expect(JSON.parse(JSON.stringify(b))).toEqual(b); // plain JSON, nothing lost across IPC
  for (const p of b.parts) {
    for (const r of [...p.refs, ...(p.items ?? []).flatMap((i) => i.refs)]) {
      const buf = src.get(r.source);
      expect(buf, `${b.form} ${p.id}: source ${r.source}`).toBeDefined();
      expect(r.start, `${b.form} ${p.id}`).toBeGreaterThanOrEqual(0);
      expect(r.length, `${b.form} ${p.id}`).toBeGreaterThan(0);
      expect(r.start + r.length, `${b.form} ${p.id}`).toBeLessThanOrEqual(buf!.length);
    }
    if (p.span) expect(b.value.slice(p.span.start, p.span.start + p.span.length), `${b.form} ${p.id} span`).toBe(p.value);
    if (p.hashInput !== undefined) expect(p.hash, `${b.form} ${p.id} hash`).toBe(refH12(p.hashInput));
    // Removed items come after the used ones.
    const items = p.items ?? [];
    const firstRemoved = items.findIndex((i) => i.removed);
    if (firstRemoved >= 0) expect(items.slice(firstRemoved).every((i) => i.removed), `${b.form} ${p.id} order`).toBe(true);
  }
}

/** The top-level parts joined as the fingerprint writes them. */
const joined = (b: FingerprintBreakdown, ids: string[], sep = '_'): string => ids.map((id) => part(b, id).value).join(sep);

const sourcesOf = (parsed: { sources: { id: string; bytes: Uint8Array }[] }): Sources => new Map(parsed.sources.map((s) => [s.id, s.bytes]));

const VERSION_CODES: Record<number, string> = { 0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3' };

/** JA4-specific checks that read the bytes behind each item. */
function checkJa4Bytes(b: FingerprintBreakdown, src: Sources): void {
  for (const id of ['b', 'c.extensions', 'c.signature_algorithms']) {
    for (const item of part(b, id).items ?? []) {
      expect(item.refs, `${id} ${item.text}`).toHaveLength(1);
      expect(item.refs[0]!.length).toBe(2);
      expect(be(at(src, item.refs[0]!)), `${id} ${item.text}`).toBe(parseInt(item.text, 16));
      if (isGreaseHex(item.text)) expect(item.removed?.reason, `${id} ${item.text}`).toMatch(/GREASE/);
    }
  }
  const v = part(b, 'a.version');
  expect(v.refs).toHaveLength(1);
  expect(VERSION_CODES[be(at(src, v.refs[0]!))] ?? '00').toBe(v.value);
  const alpn = part(b, 'a.alpn');
  if (alpn.value !== '00') {
    const first = at(src, alpn.refs[0]!);
    const s = latin1(first);
    if (/^[0-9A-Za-z]/.test(s) && /[0-9A-Za-z]$/.test(s)) expect(alpn.value).toBe(s[0]! + s[s.length - 1]!);
    else expect(alpn.value).toBe(hexOf(first)[0]! + hexOf(first).slice(-1));
  }
  expect(part(b, 'a.sni').value).toBe(part(b, 'a.sni').refs.length ? 'd' : 'i');
  for (const r of part(b, 'a.sni').refs) expect(be(at(src, r).subarray(0, 2))).toBe(0);
}

const withHello = clientFixtures().filter((f) => f.hellos.length > 0 && has(join(f.dir, 'hello.bin')));

describe('JA4 and JA3 breakdowns of recorded ClientHellos', () => {
  it('covers the recorded clients', () => expect(withHello.length).toBeGreaterThanOrEqual(15));

  for (const fx of withHello) {
    it(`${fx.id}: every form equals the fingerprint, parts and refs hold`, () => {
      const parsed = parseTls(readBytes(join(fx.dir, 'hello.bin')));
      const hello = parsed.clientHello!;
      const src = sourcesOf(parsed);
      const fp = fingerprintClientHello(hello);
      const rec = fx.hellos[0]!;
      for (const form of JA4_FORMS) {
        const b = breakdownJa4(hello, form);
        expect(b.method).toBe('ja4');
        expect(b.value).toBe(fp[form]);
        expect(joined(b, ['a', 'b', 'c'])).toBe(b.value);
        checkBreakdown(b, src);
        checkJa4Bytes(b, src);
      }
      // Against the reference recorded at capture time (tshark dissection, not our parser).
      expect(breakdownJa4(hello, 'ja4').value).toBe(rec.ref_ja4);
      expect(breakdownJa4(hello, 'ja4_o').value).toBe(rec.ref_ja4_o);
      // Hash inputs are the raw forms' sections.
      const [, rb, rc] = fp.ja4_r.split(/_(.*?)_(.*)$/s) as [string, string, string];
      const hb = breakdownJa4(hello, 'ja4');
      expect(part(hb, 'b').hashInput).toBe(rb);
      if (part(hb, 'c.extensions').value !== '') expect(part(hb, 'c').hashInput).toBe(rc);
      expect(part(hb, 'b').value).toBe(refH12(rb));
      // The sorted forms drop SNI and ALPN with a reason; the _o forms keep them.
      const exts = part(hb, 'c.extensions').items!;
      for (const t of ['0000', '0010']) {
        const present = hello.extensions.some((e) => e.type === parseInt(t, 16));
        expect(exts.some((i) => i.text === t && i.removed && /left out/.test(i.removed.reason))).toBe(present);
        expect(part(breakdownJa4(hello, 'ja4_o'), 'c.extensions').items!.some((i) => i.text === t && !i.removed)).toBe(present);
      }

      for (const form of JA3_FORMS) {
        const b = breakdownJa3(hello, form);
        expect(b.value).toBe(computeJa3(hello)[form]);
        checkBreakdown(b, src);
        expect(b.hash).toBe(refMd5(b.hashInput!));
        for (const id of ['ciphers', 'extensions', 'groups']) {
          for (const item of part(b, id).items!) {
            expect(be(at(src, item.refs[0]!)), `${id} ${item.text}`).toBe(Number(item.text));
            if (isGreaseHex(Number(item.text).toString(16).padStart(4, '0'))) expect(item.removed?.reason).toMatch(/GREASE/);
          }
        }
        for (const item of part(b, 'point_formats').items!) expect(be(at(src, item.refs[0]!))).toBe(Number(item.text));
        expect(be(at(src, part(b, 'version').refs[0]!))).toBe(Number(part(b, 'version').value));
      }
      expect(joined(breakdownJa3(hello, 'ja3_full'), ['version', 'ciphers', 'extensions', 'groups', 'point_formats'], ',')).toBe(rec.tshark_ja3_full);
      expect(breakdownJa3(hello, 'ja3').value).toBe(rec.tshark_ja3);
    });
  }

  it('a GREASE-sending client (Chromium) shows every GREASE value as removed, with its reason', () => {
    const hello = parseTls(readBytes(join(clientFixtures().find((f) => f.id === 'chromium')!.dir, 'hello.bin'))).clientHello!;
    const b = breakdownJa4(hello, 'ja4');
    const greaseCiphers = part(b, 'b').items!.filter((i) => isGreaseHex(i.text));
    const greaseExts = part(b, 'c.extensions').items!.filter((i) => isGreaseHex(i.text));
    expect(greaseCiphers.length).toBeGreaterThan(0);
    expect(greaseExts.length).toBeGreaterThan(0);
    for (const i of [...greaseCiphers, ...greaseExts]) expect(i.removed?.reason).toMatch(/^GREASE value \(RFC 8701\)/);
    expect(part(b, 'a.version').items!.some((i) => isGreaseHex(i.text) && i.removed)).toBe(true);
    // Counted without GREASE: the count is the number of used items.
    expect(Number(part(b, 'a.cipher_count').value)).toBe(part(b, 'b').items!.filter((i) => !i.removed).length);
  });
});

describe('JA4 breakdown of a recorded QUIC ClientHello (Chromium, reassembled from several Initials)', () => {
  it('q from quic_transport_parameters, values equal the tshark-derived reference', () => {
    const dir = join(FIXTURES, 'quic/chromium');
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { hellos: { ref_ja4: string; ref_ja4_o: string }[] };
    const t = new QuicInitialTracker();
    for (const p of readPackets(join(dir, 'capture.pcap'))) if (p.kind === 'udp' && looksLikeQuicLongHeader(p.payload)) t.push(p.payload, p, true);
    const parsed = parseTls(t.clientHellos()[0]!.bytes);
    const src = sourcesOf(parsed);
    for (const opts of [{}, { transport: 'quic' as const }]) {
      for (const form of JA4_FORMS) {
        const b = breakdownJa4(parsed.clientHello!, form, opts);
        expect(b.value).toBe(fingerprintClientHello(parsed.clientHello!, opts)[form]);
        checkBreakdown(b, src);
        checkJa4Bytes(b, src);
      }
    }
    const auto = breakdownJa4(parsed.clientHello!, 'ja4');
    expect(auto.value).toBe(meta.hellos[0]!.ref_ja4);
    expect(breakdownJa4(parsed.clientHello!, 'ja4_o').value).toBe(meta.hellos[0]!.ref_ja4_o);
    const proto = part(auto, 'a.protocol');
    expect(proto.value).toBe('q');
    expect(be(at(src, proto.refs[0]!).subarray(0, 2))).toBe(0x0039);
  });
});

describe('JA4 breakdowns of built hellos (edge cases)', () => {
  const build = (spec: Parameters<typeof clientHelloMessage>[0]) => {
    const parsed = parseTls(bytes(tlsRecord(clientHelloMessage(spec))));
    return { hello: parsed.clientHello!, src: sourcesOf(parsed) };
  };

  it('a non-alphanumeric ALPN uses the hex rule and points at the protocol bytes', () => {
    const { hello, src } = build({ ciphers: [0x1301], extensions: [ext.sni('a.example'), ext.alpn([0xba, 0xad], 'h2'), ext.versions(0x0304)] });
    const b = breakdownJa4(hello, 'ja4');
    const alpn = part(b, 'a.alpn');
    expect(alpn.value).toBe('bd');
    expect(alpn.explanation).toMatch(/hex/);
    expect(hexOf(at(src, alpn.refs[0]!))).toBe('baad');
    expect(b.value.slice(8, 10)).toBe('bd');
    expect(b.value).toBe(fingerprintClientHello(hello).ja4);
    checkBreakdown(b, src);
    checkJa4Bytes(b, src);
  });

  it('an alphanumeric ALPN takes first and last characters; no ALPN gives 00', () => {
    const { hello, src } = build({ ciphers: [0x1301], extensions: [ext.alpn('http/1.1')] });
    const alpn = part(breakdownJa4(hello), 'a.alpn');
    expect(alpn.value).toBe('h1');
    expect(latin1(at(src, alpn.refs[0]!))).toBe('http/1.1');
    const none = part(breakdownJa4(build({ ciphers: [0x1301], extensions: [ext.groups(29)] }).hello), 'a.alpn');
    expect(none).toMatchObject({ value: '00', refs: [] });
  });

  it('version from the legacy field when there is no supported_versions; from the highest entry otherwise', () => {
    const legacy = build({ version: 0x0301, ciphers: [0x002f], extensions: [ext.groups(23)] });
    const v = part(breakdownJa4(legacy.hello), 'a.version');
    expect(v.value).toBe('10');
    expect(be(at(legacy.src, v.refs[0]!))).toBe(0x0301);
    const sv = build({ ciphers: [0x1301], extensions: [ext.versions(0x1a1a, 0x0303, 0x0304)] });
    const v2 = part(breakdownJa4(sv.hello), 'a.version');
    expect(be(at(sv.src, v2.refs[0]!))).toBe(0x0304);
    expect(v2.items!.map((i) => [i.text, !!i.removed])).toEqual([['0303', false], ['0304', false], ['1a1a', true]]);
  });

  it('empty lists hash to 000000000000: no ciphers, and only SNI and ALPN as extensions', () => {
    const { hello, src } = build({ ciphers: [0x0a0a], extensions: [ext.sni('x.example'), ext.alpn('h2')] });
    const b = breakdownJa4(hello, 'ja4');
    expect(b.value).toBe(fingerprintClientHello(hello).ja4);
    expect(part(b, 'b')).toMatchObject({ value: '000000000000', hashInput: '' });
    expect(part(b, 'c')).toMatchObject({ value: '000000000000', hashInput: '' });
    expect(part(b, 'b').items!.map((i) => [i.text, i.removed?.reason.slice(0, 6)])).toEqual([['0a0a', 'GREASE']]);
    // The raw form writes the empty lists as empty sections; the _o form keeps SNI and ALPN.
    const r = breakdownJa4(hello, 'ja4_r');
    expect(r.value).toBe(`${part(b, 'a').value}__`);
    expect(part(breakdownJa4(hello, 'ja4_o'), 'c').hashInput).toBe('0000,0010');
    checkBreakdown(b, src);
    checkBreakdown(r, src);
  });

  it('SSLv2 ClientHello: cipher refs point at the last two bytes of each kept 3-byte spec', () => {
    const specs = [0x00, 0x00, 0x35, 0x01, 0x00, 0x80, 0x00, 0x00, 0x2f];
    const challenge = new Array(16).fill(0x42);
    const body = [1, ...u16(0x0301), ...u16(specs.length), ...u16(0), ...u16(challenge.length), ...specs, ...challenge];
    const parsed = parseTls(bytes([0x80 | (body.length >> 8), body.length & 0xff, ...body]));
    const src = sourcesOf(parsed);
    const b = breakdownJa4(parsed.clientHello!, 'ja4_ro');
    expect(b.value).toBe(fingerprintClientHello(parsed.clientHello!).ja4_ro);
    expect(part(b, 'b').items!.map((i) => be(at(src, i.refs[0]!)))).toEqual([0x35, 0x2f]);
    expect(be(at(src, part(b, 'a.version').refs[0]!))).toBe(0x0301);
    checkBreakdown(b, src);
  });
});

describe('JA4S breakdowns of recorded server flights', () => {
  const flights = clientFixtures().filter((f) => has(join(f.dir, 'server-flight.bin')));
  it('covers the recorded servers', () => expect(flights.length).toBeGreaterThanOrEqual(15));
  for (const fx of flights) {
    it(`${fx.id}: both forms equal the fingerprint, refs read back`, () => {
      const parsed = parseTls(readBytes(join(fx.dir, 'server-flight.bin')));
      const sh = parsed.serverHello!;
      const src = sourcesOf(parsed);
      const fp = fingerprintServerHello(sh);
      for (const form of ['ja4s', 'ja4s_r'] as const) {
        const b = breakdownJa4s(sh, form);
        expect(b.value).toBe(fp[form]);
        expect(joined(b, ['a', 'b', 'c'])).toBe(b.value);
        checkBreakdown(b, src);
        expect(be(at(src, part(b, 'b').refs[0]!)).toString(16).padStart(4, '0')).toBe(part(b, 'b').value);
        for (const item of part(b, 'c').items!) expect(be(at(src, item.refs[0]!))).toBe(parseInt(item.text, 16));
        expect(VERSION_CODES[be(at(src, part(b, 'a.version').refs[0]!))] ?? '00').toBe(part(b, 'a.version').value);
      }
      // tshark's JA3S string lists the same extensions (decimal, wire order).
      const ja3sExts = fx.server_hellos[0]?.tshark_ja3s_full.split(',')[2];
      if (ja3sExts !== undefined) expect(part(breakdownJa4s(sh, 'ja4s_r'), 'c').items!.filter((i) => !i.removed).map((i) => parseInt(i.text, 16)).join('-')).toBe(ja3sExts);
    });
  }
});

describe('JA4X breakdowns of real certificates', () => {
  const check = (der: Uint8Array, src: Sources, source: string, offset: number): void => {
    for (const form of ['ja4x', 'ja4x_r'] as const) {
      const b = breakdownJa4x(der, form, { source, offset });
      expect(b.value).toBe(computeJa4x(der)[form]);
      expect(joined(b, ['a', 'b', 'c'])).toBe(b.value);
      checkBreakdown(b, src);
      for (const id of ['a', 'b', 'c']) {
        for (const item of part(b, id).items!) {
          expect(hexOf(at(src, item.refs[0]!))).toBe(item.text);
          expect(src.get(source)![item.refs[0]!.start - 2]).toBe(0x06); // an OBJECT IDENTIFIER's content
        }
      }
    }
  };

  it('the certificate of the recorded TLS 1.2 server flight, refs in the handshake source', () => {
    const parsed = parseTls(readBytes(join(FIXTURES, 'clients/openssl-s_client-tls1_2/server-flight.bin')));
    const cm = parsed.messages.find((m): m is CertificateMessage => m.kind === 'certificate')!;
    const c = cm.certificates[0]!;
    check(c.der, sourcesOf(parsed), cm.source, c.start);
    const b = breakdownJa4x(c.der, 'ja4x');
    expect(part(b, 'c').items!.map((i) => i.label)).toContain('subjectAltName');
  });

  const ws = foxioPcaps().filter((f) => [...wiresharkExpected(f).values()].some((l) => l['ja4.ja4x'])).slice(0, 4);
  it.each(ws)('%s: certificates extracted by tshark, values equal the Wireshark plugin', (file) => {
    const r = spawnSync('tshark', ['-n', '-r', foxioPcap(file), '-Y', 'tls.handshake.certificate', '-T', 'fields', '-e', 'frame.number', '-e', 'tls.handshake.certificate'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const expected = wiresharkExpected(file);
    let n = 0;
    for (const line of r.stdout.split('\n')) {
      const [frame, list] = line.split('\t');
      if (!frame || !list || !expected.get(Number(frame))?.['ja4.ja4x']) continue;
      const ders = list.split(',').map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
      expect(ders.map((d) => breakdownJa4x(d).value)).toEqual(expected.get(Number(frame))!['ja4.ja4x']);
      for (const d of ders) check(d, new Map([['certificate', d]]), 'certificate', 0);
      n += ders.length;
    }
    expect(n).toBeGreaterThan(0);
  });
});

describe('JA4H breakdowns of real HTTP requests', () => {
  /** The client's bytes of each TCP connection to `port`, in sequence order. */
  const clientStreams = (pcap: string): Uint8Array[] => {
    const byConn = new Map<string, Map<number, Uint8Array>>();
    for (const p of readPackets(pcap)) {
      if (p.kind !== 'tcp' || p.payload.length === 0 || p.dstPort >= p.srcPort) continue; // client ports are ephemeral
      const k = `${p.src}:${p.srcPort}`;
      if (!byConn.has(k)) byConn.set(k, new Map());
      byConn.get(k)!.set(p.seq, Uint8Array.from(p.payload));
    }
    return [...byConn.values()].map((m) => Buffer.concat([...m.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b)));
  };

  const cases: { name: string; src: Sources; requests: HttpRequest[]; meta?: { method?: string; uri?: string }[] }[] = [];
  for (const f of ['curl-cookies-1.txt', 'curl-cookies-2.txt']) {
    const b = readBytes(join(FIXTURES, 'http', f));
    cases.push({ name: f, src: new Map([['input', b]]), requests: [parseHttp1Request(b).request!] });
  }
  for (const fx of clientFixtures().filter((x) => x.id.endsWith('plain-http'))) {
    const streams = clientStreams(join(fx.dir, 'capture.pcap'));
    const src: Sources = new Map(streams.map((s, i) => [`client-${i}`, s]));
    const requests = streams.flatMap((s, i) => parseHttp1Requests(s, { source: `client-${i}` }).requests);
    cases.push({ name: fx.id, src, requests, meta: fx.http_requests });
  }

  it('covers the recorded requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    for (const c of cases) if (c.meta) expect(c.requests.map((r) => [r.method, r.target]), c.name).toEqual(c.meta.map((m) => [m.method, m.uri]));
  });

  for (const c of cases) {
    it(`${c.name}: every form equals computeJa4h; refs read back as the names, cookies and request line`, () => {
      expect(c.requests.length).toBeGreaterThan(0);
      for (const req of c.requests) {
        for (const form of JA4H_FORMS) {
          const b = breakdownJa4h(req, form);
          expect(b.value).toBe(computeJa4h(req)[form]);
          expect(joined(b, ['a', 'b', 'c', 'd'])).toBe(b.value);
          checkBreakdown(b, c.src);
          expect(latin1(at(c.src, part(b, 'a.method').refs[0]!))).toBe(req.method);
          expect(latin1(at(c.src, part(b, 'a.version').refs[0]!))).toBe(req.version);
          for (const item of part(b, 'b').items!) {
            expect(latin1(at(c.src, item.refs[0]!))).toBe(item.text);
            if (/^(cookie|referer)$/i.test(item.text)) expect(item.removed?.reason).toMatch(/^(Cookie|Referer) is not counted/);
            else expect(item.removed).toBeUndefined();
          }
          // Cookie names and pairs: the bytes they name, inside a Cookie header line.
          const cookieLines = req.headers.filter((h) => /^cookie$/i.test(h.name));
          for (const id of ['c', 'd']) {
            for (const item of part(b, id).items!) {
              const r = item.refs[0]!;
              expect(latin1(at(c.src, r))).toBe(item.text);
              expect(cookieLines.some((h) => r.start > h.start! && r.start + r.length <= h.start! + h.length!)).toBe(true);
            }
          }
          expect(part(b, 'a.cookie').value).toBe(cookieLines.length ? 'c' : 'n');
          for (const r of part(b, 'a.cookie').refs) expect(latin1(at(c.src, r))).toMatch(/^cookie:/i);
        }
      }
    });
  }

  it('curl with cookies: names sorted in c, pairs in d, both pointing into the Cookie header', () => {
    const raw = readBytes(join(FIXTURES, 'http/curl-cookies-1.txt'));
    const b = breakdownJa4h(parseHttp1Request(raw).request!, 'ja4h_r');
    const text = latin1(raw);
    const cookieAt = text.indexOf('Cookie: ');
    expect(part(b, 'c').items!.map((i) => i.text)).toEqual(['session', 'theme']);
    expect(part(b, 'd').items!.map((i) => [i.text, i.refs[0]!.start])).toEqual([
      ['session=abc123', text.indexOf('session=abc123')], ['theme=dark', text.indexOf('theme=dark')],
    ]);
    expect(part(b, 'c').items!.every((i) => i.refs[0]!.start > cookieAt)).toBe(true);
  });

  it('an HTTP/2 request (no byte ranges): values still equal, pseudo-headers removed with their reason, no refs', () => {
    const req: HttpRequest = {
      method: 'GET', target: '/', version: 'HTTP/2', complete: true, problems: [],
      headers: [[':method', 'GET'], [':path', '/'], ['user-agent', 'x'], ['cookie', 'b=2'], ['cookie', 'a=1'], ['accept-language', 'de-DE']].map(([name, value]) => ({ name: name!, value: value! })),
    };
    for (const form of JA4H_FORMS) {
      const b = breakdownJa4h(req, form);
      expect(b.value).toBe(computeJa4h(req)[form]);
      expect(b.parts.flatMap((p) => [...p.refs, ...(p.items ?? []).flatMap((i) => i.refs)])).toEqual([]);
      expect(part(b, 'b').items!.filter((i) => i.removed?.reason.startsWith('HTTP/2 pseudo-header')).map((i) => i.text)).toEqual([':method', ':path']);
    }
    expect(part(breakdownJa4h(req, 'ja4h_r'), 'c').value).toBe('a,b');
    expect(part(breakdownJa4h(req, 'ja4h_ro'), 'c').value).toBe('b,a');
  });

  it('the plain-HTTP curl request with a Referer: referer flag, header excluded with its reason', () => {
    const cc = cases.find((x) => x.name === 'curl-plain-http')!;
    const b = breakdownJa4h(cc.requests[0]!, 'ja4h');
    expect(part(b, 'a.referer').value).toBe('r');
    expect(latin1(at(cc.src, part(b, 'a.referer').refs[0]!))).toMatch(/^Referer: http:\/\/127\.0\.0\.1\/start\r\n$/);
    expect(part(b, 'a.language').value).toBe('enus');
    expect(latin1(at(cc.src, part(b, 'a.language').refs[0]!))).toBe('en-US,en;q=0.9');
  });
});
