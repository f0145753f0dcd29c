import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findField, findFields, resolveOffset, type Field } from '../../../core/dissect/field.js';
import { checkFieldInvariants } from '../../../core/dissect/validate.js';
import { computeJa4 } from '../../../core/fingerprint/ja4.js';
import { fingerprintClientHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { NotTlsError, parseTls } from '../../../core/tls/parse-tls.js';
import { HRR_RANDOM } from '../../../core/tls/server-hello.js';
import { ascii, bytes, clientHelloMessage, ext, tlsRecord, tlsRecords, u16, u24, vec16, vec24, vec8, type Ext } from '../../helpers/build-hello.js';
import { FIXTURES, readBytes } from '../../helpers/paths.js';

const chromium = readBytes(join(FIXTURES, 'clients/chromium/hello.bin'));
const chromiumHandshake = Array.from(chromium.subarray(5)); // strip the record header

describe('record layer', () => {
  it('reassembles a ClientHello spread over several records into its own source', () => {
    const split = parseTls(bytes(tlsRecords(chromiumHandshake, 300)));
    const whole = parseTls(chromium);
    expect(split.records.length).toBe(Math.ceil(chromiumHandshake.length / 300));
    expect(split.problems).toEqual([]);
    expect(fingerprintClientHello(split.clientHello!)).toEqual(fingerprintClientHello(whole.clientHello!));
    const re = split.sources.find((s) => s.id.includes('tls-reassembled'))!;
    expect(re.bytes.length).toBe(chromiumHandshake.length);
    expect(checkFieldInvariants(split.fields, split.sources)).toEqual([]);
    // Every byte of the reassembled source maps back to the same byte of the input.
    for (const off of [0, 4, 299, 300, 301, re.bytes.length - 1]) {
      const back = resolveOffset(split.sources, re.id, off);
      expect(back.source).toBe('input');
      expect(split.sources[0]!.bytes[back.offset]).toBe(re.bytes[off]);
    }
    // The cipher suite fields point into the reassembled source.
    expect(findField(split.fields, 'tls.handshake.ciphersuite')!.source).toBe(re.id);
    expect(findFields(split.fields, 'tls.handshake.fragment').length).toBe(split.records.length);
  });

  it('dissects several handshake messages carried in one record', () => {
    const sh = [...u16(0x0303), ...new Array(32).fill(9), ...vec8([]), ...u16(0xc02f), 0, ...vec16([...u16(0xff01), ...vec16([0])])];
    const payload = [2, ...vec24(sh), 14, ...u24(0)];
    const p = parseTls(bytes(tlsRecord(payload, 22, 0x0303)));
    expect(p.messages.map((m) => m.type)).toEqual([2, 14]);
    expect(p.serverHello!.cipherSuite).toBe(0xc02f);
    const record = p.fields[0]!;
    expect(record.children!.filter((f) => f.key === 'tls.handshake').map((f) => f.display)).toEqual(['Server Hello', 'Server Hello Done']);
  });

  it('recognises a HelloRetryRequest by its random', () => {
    const random = HRR_RANDOM.match(/../g)!.map((h) => parseInt(h, 16));
    const sh = [...u16(0x0303), ...random, ...vec8([]), ...u16(0x1301), 0, ...vec16([...u16(43), ...vec16(u16(0x0304)), ...u16(51), ...vec16(u16(0x11ec))])];
    const p = parseTls(bytes(tlsRecord([2, ...vec24(sh)], 22, 0x0303)));
    expect(p.serverHello!.helloRetryRequest).toBe(true);
    expect(p.serverHello!.keyShareGroups).toEqual([0x11ec]);
    expect(findField(p.fields, 'tls.handshake.extensions_key_share_selected_group')!.display).toBe('X25519MLKEM768 (0x11ec)');
  });

  it('recognises an SSLv2-compatible ClientHello and reports it', () => {
    const specs = [0x00, 0x00, 0x35, 0x01, 0x00, 0x80, 0x00, 0x00, 0x2f];
    const challenge = new Array(16).fill(0x42);
    const body = [1, ...u16(0x0301), ...u16(specs.length), ...u16(0), ...u16(challenge.length), ...specs, ...challenge];
    const p = parseTls(bytes([0x80 | (body.length >> 8), body.length & 0xff, ...body]));
    expect(p.framing).toBe('sslv2');
    expect(p.clientHello!.sslv2).toBe(true);
    expect(p.clientHello!.cipherSuites).toEqual([0x35, 0x2f]);
    expect(p.problems.map((x) => x.code)).toEqual(['sslv2_client_hello']);
    expect(computeJa4(p.clientHello!).ja4.slice(0, 10)).toBe('t10i020000');
    expect(checkFieldInvariants(p.fields, p.sources)).toEqual([]);
  });

  it('accepts a bare handshake message', () => {
    const p = parseTls(chromium.subarray(5));
    expect(p.framing).toBe('handshake');
    expect(fingerprintClientHello(p.clientHello!).ja4).toBe(fingerprintClientHello(parseTls(chromium).clientHello!).ja4);
  });
});

describe('errors and problems', () => {
  it('throws NotTlsError naming what was found', () => {
    expect(() => parseTls(bytes(ascii('GET / HTTP/1.1\r\n')))).toThrow(NotTlsError);
    try {
      parseTls(bytes(ascii('SSH-2.0-OpenSSH')));
    } catch (e) {
      expect((e as NotTlsError).found).toBe('53 53 48 2d 32 2e 30 2d ("SSH-2.0-")');
      expect((e as Error).message).toContain('at offset 0');
    }
    expect(() => parseTls(new Uint8Array(0))).toThrow(NotTlsError);
  });

  it('a cipher_suites length beyond the data gives the documented message and a partial tree', () => {
    // record + handshake header, version, random, empty session id, then cipher_suites length 32 with 10 bytes left
    const body = [...u16(0x0303), ...new Array(32).fill(0), 0, ...u16(32), ...new Array(10).fill(0x13)];
    const p = parseTls(bytes([1, ...u24(200), ...body]));
    const msgs = p.problems.map((x) => x.message);
    expect(msgs).toContain('cipher_suites length 32 exceeds the 10 bytes left at offset 41'); // 4 + 2 + 32 + 1 + 2
    expect(p.clientHello!.truncated).toBe(true);
    expect(p.clientHello!.cipherSuites.length).toBe(5);
    expect(checkFieldInvariants(p.fields, p.sources)).toEqual([]);
  });

  it('a truncated real hello keeps every complete extension before the cut', () => {
    const cut = chromium.subarray(0, 400);
    const p = parseTls(cut);
    expect(p.clientHello!.truncated).toBe(true);
    expect(p.problems.some((x) => x.severity === 'error' && /exceeds|cut off|needs/.test(x.message))).toBe(true);
    expect(p.clientHello!.cipherSuites.length).toBeGreaterThan(10);
    expect(p.clientHello!.extensions.length).toBeGreaterThan(3);
    expect(checkFieldInvariants(p.fields, p.sources)).toEqual([]);
  });

  it('a malformed extension is reported and the next one is still read', () => {
    const bad: Ext = { type: 10, data: [0, 9, 0, 29] }; // supported_groups list length 9 with 2 bytes
    const p = parseTls(bytes(clientHelloMessage({ ciphers: [0x1301], extensions: [bad, ext.sni('after.example')] })));
    expect(p.problems[0]!.message).toMatch(/supported_groups length 9 exceeds the 2 bytes left at offset \d+/);
    expect(p.clientHello!.serverName).toBe('after.example');
  });
});

describe('extensions a current client sends are decoded into named fields', () => {
  const all: Ext[] = [
    ext.sni('all.example'), ext.groups(0x0a0a, 0x11ec, 29, 23), ext.pointFormats(0), ext.sigalgs(0x0403, 0x0804),
    ext.sigalgsCert(0x0403), ext.alpn('h2', 'http/1.1'), ext.versions(0x0304, 0x0303), ext.keyShare([0x11ec, 1216], [29, 32]),
    ext.raw(45, [1, 1]), ext.raw(41, [...vec16([...vec16([1, 2, 3]), 0, 0, 0, 1]), ...vec16(vec8(new Array(32).fill(5)))]),
    ext.empty(42), ext.raw(5, [1, 0, 0, 0, 0]), ext.empty(18), ext.raw(0xff01, [0]), ext.empty(35), ext.empty(23), ext.empty(22),
    ext.raw(28, u16(16385)), ext.delegatedCredentials(0x0403), ext.raw(27, [2, 0, 2]), ext.raw(0x4469, vec16(vec8(ascii('h2')))),
    ext.raw(0x44cd, vec16(vec8(ascii('h2')))), ext.raw(0xfe0d, [0, ...u16(1), ...u16(1), 0x42, ...vec16([9, 9]), ...vec16([8, 8, 8])]),
    ext.raw(21, [0, 0, 0]), ext.empty(49), ext.raw(44, vec16([1, 2])), ext.raw(57, [0x01, 0x02, 0x40, 0x64, 0x04, 0x01, 0x20]),
    ext.raw(0x1234, [0xde, 0xad]),
  ];
  const p = parseTls(bytes(clientHelloMessage({ ciphers: [0x1301], extensions: all })));
  const extFields = findFields(p.fields, 'tls.handshake.extension');

  it('parses with no problems and keeps invariants', () => {
    expect(p.problems).toEqual([]);
    expect(checkFieldInvariants(p.fields, p.sources)).toEqual([]);
    expect(extFields.length).toBe(all.length);
  });

  it('decodes every known extension (no raw data leaf), keeps the unknown one raw with its id', () => {
    const raw = (f: Field) => f.children!.some((c) => c.key === 'tls.handshake.extension.data');
    const unknown = extFields.filter(raw);
    expect(unknown.map((f) => f.children![0]!.value)).toEqual([0x1234]);
    expect(unknown[0]!.children!.find((c) => c.key === 'tls.handshake.extension.data')!.value).toBe('dead');
  });

  it('names groups from IANA (X25519MLKEM768) and marks GREASE', () => {
    const groups = findFields(p.fields, 'tls.handshake.extensions_supported_group');
    expect(groups.map((g) => g.display)).toEqual(['Reserved (GREASE) (0x0a0a)', 'X25519MLKEM768 (0x11ec)', 'x25519 (0x001d)', 'secp256r1 (0x0017)']);
    expect(groups[0]!.grease).toBe(true);
    expect(p.clientHello!.keyShareGroups).toEqual([0x11ec, 29]);
    expect(findFields(p.fields, 'tls.ech.client_hello_type')[0]!.display).toBe('outer (0)');
    expect(p.clientHello!.applicationSettings).toEqual(['h2']);
    expect(findFields(p.fields, 'quic.parameter').map((f) => f.display)).toEqual(['max_idle_timeout: 100', 'initial_max_data: 32']);
  });
});
