// The hand-checkable vectors from the FoxIO reference (../shared/conformance/foxio-ja4/expected/rust-unit/vectors.json):
// JA4 with all four forms, JA4S, and hash12. Inputs are structured fields; we build real hello
// bytes from them and run the whole parser, so the vectors test dissection and fingerprinting together.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hash12 } from '../../../core/fingerprint/hash.js';
import { computeJa4 } from '../../../core/fingerprint/ja4.js';
import { computeJa4s } from '../../../core/fingerprint/ja4plus/ja4s.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import type { ServerHello } from '../../../core/tls/model.js';
import { CONFORMANCE } from '../../helpers/paths.js';
import { ascii, bytes, clientHelloMessage, ext, u16, u24, vec16, vec8, type Ext } from '../../helpers/build-hello.js';

const vectors = JSON.parse(readFileSync(join(CONFORMANCE, 'expected/rust-unit/vectors.json'), 'utf8'));
const hex = (s: string): number => parseInt(s, 16);

describe('FoxIO rust-unit vectors', () => {
  it('JA4: ja4, ja4_r, ja4_o, ja4_ro', () => {
    const v = vectors.ja4_client;
    const exts: Ext[] = v.input.extensions_in_order.map((t: string): Ext => {
      switch (hex(t)) {
        case 0x0000: return ext.sni('example.com');
        case 0x0010: return ext.alpn(v.input.alpn_first, 'http/1.1');
        case 0x000d: return ext.sigalgs(...v.input.signature_algorithms_in_order.map(hex));
        case 0x002b: return ext.versions(0x0304, 0x0303);
        default: return ext.empty(hex(t));
      }
    });
    const parsed = parseTls(bytes(clientHelloMessage({ ciphers: v.input.ciphers_in_order.map(hex), extensions: exts })));
    // Extensions other than SNI, ALPN, sigalgs and versions are built empty, which the dissector
    // rightly reports as truncated; the fingerprint only needs their types.
    expect(parsed.problems.every((p) => p.code === 'truncated')).toBe(true);
    const r = computeJa4(parsed.clientHello!);
    expect(r.ja4).toBe(v.ja4);
    expect(r.ja4_r).toBe(v.ja4_r);
    expect(r.ja4_o).toBe(v.ja4_o);
    expect(r.ja4_ro).toBe(v.ja4_ro);
    expect(hash12(v.spec_md_extension_string_without_sigalgs.string)).toBe(v.spec_md_extension_string_without_sigalgs.hash12);
  });

  it('JA4S and JA4S_r', () => {
    const v = vectors.ja4s;
    const body = [...u16(0x0303), ...new Array(32).fill(1), ...vec8([]), ...u16(hex(v.input.cipher)), 0,
      ...vec16(v.input.extensions_in_order.flatMap((t: string) => [...u16(hex(t)), ...vec16(hex(t) === 0xff01 ? [0] : hex(t) === 0x000b ? [1, 0] : [])]))];
    const parsed = parseTls(bytes([2, ...u24(body.length), ...body]));
    const sh = parsed.serverHello as ServerHello;
    const r = computeJa4s(sh);
    expect(r.ja4s).toBe(v.ja4s);
    expect(r.ja4s_r).toBe(v.ja4s_r);
  });

  it('hash12', () => {
    for (const [input, out] of Object.entries(vectors.hash12 as Record<string, string>)) expect(hash12(input)).toBe(out);
  });
});

describe('JA4 specification worked example (JA4.md)', () => {
  it('cipher hash of the documented list', () => {
    expect(hash12('002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9')).toBe('8daaf6152771');
    expect(ascii('h2')).toEqual([0x68, 0x32]);
  });
});
