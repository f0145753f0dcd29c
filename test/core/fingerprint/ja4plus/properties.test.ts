// Property tests: damaged input to the JA4+ and QUIC modules gives results or problems, never an
// exception or a hang, and dissections keep the field invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TcpSegment, UdpDatagram } from '../../../../core/capture/packet.js';
import { checkFieldInvariants } from '../../../../core/dissect/validate.js';
import { computeJa4x } from '../../../../core/fingerprint/ja4plus/ja4x.js';
import { computeJa4t } from '../../../../core/fingerprint/ja4plus/ja4t.js';
import { TcpJa4Plus } from '../../../../core/fingerprint/ja4plus/tcp-methods.js';
import { dissectQuicDatagram, QuicConversation } from '../../../../core/transport/quic/index.js';
import { dissectCertificate } from '../../../../core/x509/index.js';
import { rfcVectors } from '../../../helpers/rfc-vectors.js';

const v1 = rfcVectors('rfc9001-appendix-a.txt');
const base = { frame: 1, timestampUs: 0, ipVersion: 4 as const, ttl: 64, src: 'a', dst: 'b', fileOffset: 0, srcPort: 1, dstPort: 2 };

/** A byte array with a few bits flipped and maybe cut. */
const mutated = (src: Uint8Array) => fc.record({ flips: fc.array(fc.tuple(fc.nat(src.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }), cut: fc.nat(src.length) })
  .map(({ flips, cut }) => { const m = src.slice(0, Math.max(cut, 1)); for (const [i, x] of flips) if (i < m.length) m[i]! ^= x; return m; });

describe('JA4+ and QUIC under damaged input', () => {
  it('QUIC: any datagram sequence is tracked and dissected without exceptions', () => {
    fc.assert(fc.property(fc.array(fc.oneof(mutated(v1.client_initial_protected!), mutated(v1.server_initial_protected!), fc.uint8Array({ maxLength: 80 })), { maxLength: 5 }), (dgrams) => {
      const c = new QuicConversation();
      dgrams.forEach((p, i) => c.push({ ...base, frame: i + 1, payload: p } as UdpDatagram, i % 2 === 0));
      c.result();
      for (const p of dgrams) {
        const d = dissectQuicDatagram(p, { fromClient: true });
        expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
      }
    }), { numRuns: 300 });
  });

  it('TCP methods: arbitrary segments never throw', () => {
    const seg = fc.record({ flags: fc.integer({ min: 0, max: 0x1ff }), window: fc.integer({ min: 0, max: 65535 }), options: fc.uint8Array({ maxLength: 40 }), payload: fc.uint8Array({ maxLength: 64 }), fromClient: fc.boolean(), t: fc.nat(1e7) });
    fc.assert(fc.property(fc.array(seg, { maxLength: 30 }), (segs) => {
      const m = new TcpJa4Plus(5);
      for (const s of segs) {
        const ts = { ...base, seq: 0, ack: 0, flags: s.flags, window: s.window, options: s.options, payload: s.payload, timestampUs: s.t } as TcpSegment;
        m.push(ts, s.fromClient);
        expect(computeJa4t(ts).ja4t.split('_')).toHaveLength(4);
      }
      m.result();
    }), { numRuns: 500 });
  });

  it('X.509: random and truncated DER never throws; the dissection keeps the invariants', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x30, 0x82, b.length >> 8, b.length & 0xff, ...b]))), (der) => {
      const r = computeJa4x(der);
      expect(r.ja4x.split('_')).toHaveLength(3);
      const d = dissectCertificate(der);
      expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
    }), { numRuns: 1000 });
  });
});
