// JA4 edge cases from the specification (../shared/reference/JA4-SPEC-NOTES.md sections 3 and 11),
// each on a hello built byte by byte and run through the parser.
import { describe, expect, it } from 'vitest';
import { computeJa4, ja4Alpn } from '../../../core/fingerprint/ja4.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { ascii, bytes, clientHelloBody, clientHelloMessage, ext, u16, u24, vec16, type Ext, type HelloSpec } from '../../helpers/build-hello.js';
import { refH12 } from '../../helpers/reference-hash.js';

const ja4Of = (spec: HelloSpec, transport?: 'tcp' | 'quic' | 'dtls') => {
  const p = parseTls(bytes(clientHelloMessage(spec)));
  return computeJa4(p.clientHello!, transport ? { transport } : {});
};
const TLS13 = [ext.sni('a.example'), ext.versions(0x0304, 0x0303), ext.sigalgs(0x0403, 0x0804)];

describe('JA4 ALPN characters', () => {
  const cases: [number[], string][] = [
    [ascii('h2'), 'h2'], [ascii('http/1.1'), 'h1'], [ascii('h'), 'hh'], [[0xab], 'ab'], [[0x20], '20'],
    [ascii('ab cd'), 'ad'], [[0x20, 0x61], '21'], [[0x30, 0xab], '3b'], [[0x61, 0x20], '60'],
    [[0x30, 0x31, 0xab, 0xcd], '3d'], [[0x30, 0xab, 0xcd, 0x31], '01'], [[0xba, 0xad], 'bd'],
  ];
  for (const [value, code] of cases) {
    it(`${JSON.stringify(value)} -> ${code}`, () => {
      expect(ja4Alpn(Uint8Array.from(value)).code).toBe(code);
      expect(ja4Of({ ciphers: [0x1301], extensions: [...TLS13, ext.alpn(value)] }).ja4.slice(8, 10)).toBe(code);
    });
  }
  it('no ALPN extension, an empty list and an empty first value give 00', () => {
    expect(ja4Of({ ciphers: [0x1301], extensions: TLS13 }).ja4.slice(8, 10)).toBe('00');
    expect(ja4Of({ ciphers: [0x1301], extensions: [...TLS13, { type: 16, data: vec16([]) }] }).ja4.slice(8, 10)).toBe('00');
    expect(ja4Of({ ciphers: [0x1301], extensions: [...TLS13, ext.alpn([], 'h2')] }).ja4.slice(8, 10)).toBe('00');
  });
});

describe('JA4 counts, versions and flags', () => {
  it('caps cipher and extension counts at 99', () => {
    const ciphers = Array.from({ length: 120 }, (_, i) => 0x0100 + i);
    const exts: Ext[] = Array.from({ length: 110 }, (_, i) => ext.empty(0x7000 + i));
    expect(ja4Of({ ciphers, extensions: exts }).ja4.slice(0, 10)).toBe('t12i999900');
  });

  it('removes GREASE from ciphers, extensions, versions and signature algorithms', () => {
    const plain = ja4Of({ ciphers: [0x1301, 0x1302], extensions: [ext.versions(0x0304), ext.sigalgs(0x0403, 0x0804)] });
    const greased = ja4Of({ ciphers: [0x0a0a, 0x1301, 0x1302], extensions: [ext.empty(0x2a2a), ext.versions(0x3a3a, 0x0304), ext.sigalgs(0x4a4a, 0x0403, 0x0804), ext.empty(0xfafa)] });
    expect(greased.ja4).toBe(plain.ja4);
    expect(greased.ja4_ro).toBe(plain.ja4_ro);
    expect(greased.parts.removed.map((r) => `${r.list}:${r.value}`)).toEqual(['cipher:0a0a', 'extension:2a2a', 'extension:fafa', 'signature_algorithm:4a4a']);
  });

  it('takes signature algorithms only from signature_algorithms (0x000d), in wire order', () => {
    const r = ja4Of({ ciphers: [0x1301], extensions: [ext.delegatedCredentials(0x0403, 0x0503), ext.sigalgs(0x0804, 0x0403), ext.sigalgsCert(0x0201, 0x0203)] });
    expect(r.ja4_r).toBe('t12i010300_1301_000d,0022,0032_0804,0403');
    expect(r.ja4).toBe(`t12i010300_${refH12('1301')}_${refH12('000d,0022,0032_0804,0403')}`);
  });

  it('uses the highest supported_versions value, and 00 for unknown or draft versions', () => {
    expect(ja4Of({ ciphers: [0x1301], extensions: [ext.versions(0x0303, 0x0304)] }).parts.version).toBe('13');
    expect(ja4Of({ ciphers: [0x1301], extensions: [ext.versions(0x7f1c, 0x0304)] }).parts.version).toBe('00');
    expect(ja4Of({ version: 0x0301, ciphers: [0x002f] }).parts.version).toBe('10');
    expect(ja4Of({ version: 0x0300, ciphers: [0x002f] }).parts.version).toBe('s3');
    expect(ja4Of({ version: 0x0303, ciphers: [0x002f] }).parts.versionSource).toBe('legacy_version');
  });

  it('d for any server_name extension (even an empty list), i without one', () => {
    expect(ja4Of({ ciphers: [0x1301], extensions: [ext.sniEmptyList()] }).parts.sni).toBe('d');
    expect(ja4Of({ ciphers: [0x1301], extensions: [ext.groups(29)] }).parts.sni).toBe('i');
  });

  it('keeps cipher 0x0010 and counts SCSVs', () => {
    const r = ja4Of({ ciphers: [0x0010, 0x00ff, 0x5600, 0x002f], extensions: [] });
    expect(r.ja4_r).toBe('t12i040000_0010,002f,00ff,5600_');
  });

  it('q with quic_transport_parameters or when told; d for DTLS', () => {
    const quic = { ciphers: [0x1301], extensions: [ext.versions(0x0304), ext.raw(57, [0x01, 0x02, 0x40, 0x64])] };
    expect(ja4Of(quic).ja4[0]).toBe('q');
    expect(ja4Of(quic, 'tcp').ja4[0]).toBe('t');
    expect(ja4Of({ ciphers: [0x1301] }, 'quic').ja4[0]).toBe('q');
  });
});

describe('JA4 empty parts and original order', () => {
  it('no extensions: c is 000000000000 and the raw forms keep an empty section', () => {
    const r = ja4Of({ version: 0x0301, ciphers: [0x0035, 0x002f], extensions: null });
    expect(r.ja4).toBe(`t10i020000_${refH12('002f,0035')}_000000000000`);
    expect(r.ja4_r).toBe('t10i020000_002f,0035_');
    expect(r.ja4_o).toBe(`t10i020000_${refH12('0035,002f')}_000000000000`);
  });

  it('only SNI and ALPN: sorted c is empty, the original-order c hashes them', () => {
    const r = ja4Of({ ciphers: [0x1301], extensions: [ext.sni('x.test'), ext.alpn('h2')] });
    expect(r.ja4).toBe(`t12d0102h2_${refH12('1301')}_000000000000`);
    expect(r.ja4_o).toBe(`t12d0102h2_${refH12('1301')}_${refH12('0000,0010')}`);
    expect(r.ja4_ro).toBe('t12d0102h2_1301_0000,0010');
  });

  it('no ciphers: b is 000000000000', () => {
    expect(ja4Of({ ciphers: [], extensions: [ext.groups(29)] }).ja4).toBe(`t12i000100_000000000000_${refH12('000a')}`);
  });
});

describe('DTLS ClientHello', () => {
  it('DTLS 1.2 record: d prefix, d2 version, cookie read', () => {
    const body = clientHelloBody({ version: 0xfefd, ciphers: [0xc02b, 0xc02f], extensions: [ext.groups(29, 23)], dtlsCookie: [1, 2, 3, 4] });
    const msg = [1, ...u24(body.length), ...u16(0), ...u24(0), ...u24(body.length), ...body];
    const record = [22, ...u16(0xfeff), ...u16(0), 0, 0, 0, 0, 0, 0, ...vec16(msg)];
    const p = parseTls(bytes(record));
    expect(p.framing).toBe('dtls');
    expect(p.problems).toEqual([]);
    expect(Array.from(p.clientHello!.cookie!)).toEqual([1, 2, 3, 4]);
    expect(computeJa4(p.clientHello!).ja4.slice(0, 10)).toBe('dd2i020100');
  });

  it('picks the newest DTLS version from supported_versions (0xfefc is DTLS 1.3)', () => {
    const body = clientHelloBody({ version: 0xfefd, ciphers: [0x1301], extensions: [ext.versions(0xfefc, 0xfefd)], dtlsCookie: [] });
    const msg = [1, ...u24(body.length), ...u16(0), ...u24(0), ...u24(body.length), ...body];
    const p = parseTls(bytes([22, ...u16(0xfeff), ...u16(0), 0, 0, 0, 0, 0, 0, ...vec16(msg)]));
    expect(computeJa4(p.clientHello!).parts.version).toBe('d3');
  });
});
