// Every client recorded on 127.0.0.1 (test/tools/record-clients.mjs): our JA3 equals tshark's,
// our JA4 equals the reference computed from tshark's dissection at capture time, and the
// field tree keeps its invariants.
import { describe, expect, it } from 'vitest';
import { checkFieldInvariants } from '../../../core/dissect/validate.js';
import { fingerprintClientHello, fingerprintServerHello } from '../../../core/fingerprint/tls-fingerprints.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import { clientFixtures, has, readBytes } from '../../helpers/paths.js';
import { join } from 'node:path';

const withHello = clientFixtures().filter((f) => f.hellos.length > 0 && has(join(f.dir, 'hello.bin')));

describe('recorded real clients', () => {
  it('covers at least 15 distinct TLS clients', () => {
    expect(withHello.length).toBeGreaterThanOrEqual(15);
  });

  for (const fx of withHello) {
    describe(`${fx.id} (${fx.version})`, () => {
      const bytes = readBytes(join(fx.dir, 'hello.bin'));
      const parsed = parseTls(bytes);
      const hello = parsed.clientHello!;
      const rec = fx.hellos[0]!;

      it('parses without problems', () => {
        expect(hello).toBeDefined();
        expect(parsed.problems).toEqual([]);
        expect(hello.truncated).toBe(false);
      });

      it('JA3 equals tshark 4.0 tls.handshake.ja3 recorded with the capture', () => {
        const fp = fingerprintClientHello(hello);
        expect(fp.ja3_full).toBe(rec.tshark_ja3_full);
        expect(fp.ja3).toBe(rec.tshark_ja3);
      });

      it('JA4 and JA4_o equal the reference computed from tshark dissection', () => {
        const fp = fingerprintClientHello(hello);
        expect(fp.ja4).toBe(rec.ref_ja4);
        expect(fp.ja4_o).toBe(rec.ref_ja4_o);
        expect(hello.serverName ?? null).toBe(rec.tls_server_name);
      });

      it('keeps the field invariants and the fast path agrees with the tree path', () => {
        expect(checkFieldInvariants(parsed.fields, parsed.sources)).toEqual([]);
        const fast = parseTls(bytes, { tree: false });
        expect(fast.fields).toEqual([]);
        expect(fingerprintClientHello(fast.clientHello!)).toEqual(fingerprintClientHello(hello));
      });

      if (fx.server_hellos.length > 0 && has(join(fx.dir, 'server-flight.bin'))) {
        it('JA3S of the server flight equals tshark', () => {
          const sp = parseTls(readBytes(join(fx.dir, 'server-flight.bin')));
          const fp = fingerprintServerHello(sp.serverHello!);
          expect(fp.ja3s_full).toBe(fx.server_hellos[0]!.tshark_ja3s_full);
          expect(fp.ja3s).toBe(fx.server_hellos[0]!.tshark_ja3s);
          expect(checkFieldInvariants(sp.fields, sp.sources)).toEqual([]);
        });
      }
    });
  }
});
