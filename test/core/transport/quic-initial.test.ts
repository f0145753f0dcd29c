import { createCipheriv, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UdpDatagram } from '../../../core/capture/packet.js';
import { computeJa4 } from '../../../core/fingerprint/ja4.js';
import { computeJa4s } from '../../../core/fingerprint/ja4plus/ja4s.js';
import { parseTls } from '../../../core/tls/parse-tls.js';
import {
  CryptoStream, decryptLongPacket, deriveInitialKeys, looksLikeQuicLongHeader, parseLongHeader, QuicInitialTracker, quicVersionInfo, QUIC_V1, QUIC_V2,
} from '../../../core/transport/quic/index.js';
import { CONFORMANCE } from '../../helpers/paths.js';
import { readPackets } from '../../helpers/read-pcap.js';
import { rfcVectors, toHexString } from '../../helpers/rfc-vectors.js';

const v1 = rfcVectors('rfc9001-appendix-a.txt');
const v2 = rfcVectors('rfc9369-appendix-a.txt');
const DCID = Uint8Array.from([0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08]);
const meta = (frame: number): UdpDatagram => ({ frame, timestampUs: frame, ipVersion: 4, ttl: 64, src: '10.0.0.1', dst: '10.0.0.2', fileOffset: frame * 100, srcPort: 5000, dstPort: 443, payload: new Uint8Array() });

describe('Initial keys (RFC 9001 A.1, RFC 9369 A.1)', () => {
  it.each([['v1', QUIC_V1, v1], ['v2', QUIC_V2, v2]] as const)('derives the %s client and server keys', (_n, version, v) => {
    const k = deriveInitialKeys(DCID, quicVersionInfo(version)!);
    expect(toHexString(k.clientSecret)).toBe(toHexString(v.client_initial_secret!));
    expect(toHexString(k.serverSecret)).toBe(toHexString(v.server_initial_secret!));
    for (const side of ['client', 'server'] as const) {
      expect(toHexString(k[side].key)).toBe(toHexString(v[`${side}_key`]!));
      expect(toHexString(k[side].iv)).toBe(toHexString(v[`${side}_iv`]!));
      expect(toHexString(k[side].hp)).toBe(toHexString(v[`${side}_hp`]!));
    }
  });

  it('agrees with node:crypto HKDF for other connection IDs', () => {
    const info = quicVersionInfo(QUIC_V1)!;
    for (const dcid of [new Uint8Array(0), Uint8Array.from([1, 2, 3, 4, 5]), new Uint8Array(20).fill(0xab)]) {
      const label = (s: string, len: number): Buffer => Buffer.concat([Buffer.from([0, len, 6 + s.length]), Buffer.from(`tls13 ${s}`), Buffer.from([0])]);
      // node:crypto's hkdf is Extract+Expand in one; do each step with HMAC (RFC 5869) instead.
      const initial = require_extract(dcid, info.salt);
      const client = expandLabel(initial, 'client in', 32, label);
      expect(toHexString(deriveInitialKeys(dcid, info).clientSecret)).toBe(client.toString('hex'));
    }
  });
});

function require_extract(ikm: Uint8Array, salt: Uint8Array): Buffer {
  return createHmac('sha256', salt).update(ikm).digest();
}
function expandLabel(prk: Buffer, l: string, len: number, label: (s: string, len: number) => Buffer): Buffer {
  return createHmac('sha256', prk).update(Buffer.concat([label(l, len), Buffer.from([1])])).digest().subarray(0, len);
}

describe('Initial packet decryption (RFC 9001 A.2/A.3, RFC 9369 A.2/A.3)', () => {
  it.each([['v1', v1], ['v2', v2]] as const)('%s: decrypts the client Initial and yields the ClientHello', (_n, v) => {
    const packet = v.client_initial_protected!;
    expect(packet.length).toBe(1200);
    expect(looksLikeQuicLongHeader(packet)).toBe(true);
    const t = new QuicInitialTracker();
    t.push(packet, meta(1), true);
    expect(t.problems).toEqual([]);
    const hellos = t.clientHellos();
    expect(hellos).toHaveLength(1);
    // The CRYPTO frame (RFC A.2) is type 06, offset 00, length 40f1, then the ClientHello.
    const frame = v1.client_crypto_frame!;
    expect(toHexString(hellos[0]!.bytes)).toBe(toHexString(frame.subarray(4)));
    expect(hellos[0]!.pieces).toEqual([{ at: 0, length: 241, frame: 1, fileOffset: 100 }]);
    expect(t.packetLog[0]).toMatchObject({ packetNumber: 2, frames: ['CRYPTO', 'PADDING'] });
    const ch = parseTls(hellos[0]!.bytes, { tree: false }).clientHello!;
    expect(ch.serverName).toBe('example.com');
    expect(t.version).toBe(v === v1 ? QUIC_V1 : QUIC_V2);
  });

  it.each([['v1', v1], ['v2', v2]] as const)('%s: decrypts the server Initial with the client DCID\'s server keys', (_n, v) => {
    const t = new QuicInitialTracker();
    t.push(v.client_initial_protected!, meta(1), true);
    t.push(v.server_initial_protected!, meta(2), false);
    expect(t.problems).toEqual([]);
    const sh = t.serverHello()!;
    // RFC A.3 payload: ACK frame (5 bytes), CRYPTO frame header 06 00 405a, then the ServerHello.
    expect(toHexString(sh.bytes)).toBe(toHexString(v.server_payload!.subarray(9)));
    expect(t.packetLog[1]).toMatchObject({ fromClient: false, packetNumber: 1, frames: ['ACK', 'CRYPTO'] });
    const hello = parseTls(sh.bytes, { tree: false }).serverHello!;
    expect(computeJa4s(hello, { transport: 'quic' }).ja4s).toMatch(/^q130200_1301_/);
  });

  it('a server Initial seen before any client Initial is reported, not thrown', () => {
    const t = new QuicInitialTracker();
    t.push(v1.server_initial_protected!, meta(1), false);
    expect(t.serverHello()).toBeNull();
    // (Kept until the end for a client Initial that may come later in the file.)
    t.endEarly();
    expect(t.problems[0]!.code).toBe('quic_decrypt');
  });

  it('never modifies the capture bytes, even when they are a Node Buffer (whose slice is a view)', () => {
    const buf = Buffer.from(v1.client_initial_protected!);
    const before = buf.toString('hex');
    const t = new QuicInitialTracker();
    t.push(buf, meta(1), false); // wrong direction first: a failed attempt
    t.push(buf, meta(1), true);
    expect(buf.toString('hex')).toBe(before);
    expect(t.clientHellos()).toHaveLength(1);
  });

  it('a flipped ciphertext bit fails authentication', () => {
    const bad = v1.client_initial_protected!.slice();
    bad[600]! ^= 1;
    const h = parseLongHeader(bad, 0);
    if (typeof h === 'string') throw new Error(h);
    expect(decryptLongPacket(bad, h, deriveInitialKeys(DCID, h.info).client)).toMatch(/failed authentication/);
  });
});

/** Builds a protected v1 Initial with node:crypto (an independent implementation of RFC 9001 5.3/5.4). */
function protect(dcid: Uint8Array, pn: number, frames: Buffer, client: boolean, keyDcid = dcid): Buffer {
  const k = deriveInitialKeys(keyDcid, quicVersionInfo(QUIC_V1)!)[client ? 'client' : 'server'];
  const payloadLen = Math.max(frames.length, 20);
  const plain = Buffer.concat([frames, Buffer.alloc(payloadLen - frames.length)]);
  const len = 2 + plain.length + 16;
  const header = Buffer.concat([Buffer.from([0xc1, 0, 0, 0, 1, dcid.length]), dcid, Buffer.from([0, 0, 0x40 | (len >> 8), len & 0xff, pn >> 8, pn & 0xff])]);
  const nonce = Buffer.from(k.iv);
  nonce[10]! ^= pn >> 8;
  nonce[11]! ^= pn & 0xff;
  const c = createCipheriv('aes-128-gcm', k.key, nonce);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  const pnOffset = header.length - 2;
  const sample = ct.subarray(4 - 2, 4 - 2 + 16);
  const e = createCipheriv('aes-128-ecb', k.hp, null);
  const mask = Buffer.concat([e.update(sample), e.final()]);
  header[0]! ^= mask[0]! & 0x0f;
  header[pnOffset]! ^= mask[1]!;
  header[pnOffset + 1]! ^= mask[2]!;
  return Buffer.concat([header, ct]);
}
const crypto = (offset: number, data: Buffer): Buffer => Buffer.concat([Buffer.from([0x06, 0x80 | (offset >> 24), (offset >> 16) & 0xff, (offset >> 8) & 0xff, offset & 0xff, 0x40 | (data.length >> 8), data.length & 0xff]), data]);

describe('CRYPTO reassembly across packets and datagrams', () => {
  const hello = Buffer.from(v1.client_crypto_frame!.subarray(4));
  const dcid = Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2]);

  it('reassembles out-of-order, overlapping and repeated CRYPTO frames from several Initials and datagrams', () => {
    const t = new QuicInitialTracker();
    // Datagram 1: two coalesced Initials (second half, then an overlapping middle piece + PING + ACK).
    const p1 = protect(dcid, 0, Buffer.concat([crypto(120, hello.subarray(120)), Buffer.from([0x01])]), true);
    const p2 = protect(dcid, 1, Buffer.concat([Buffer.from([0x02, 0, 0, 0, 0]), crypto(60, hello.subarray(60, 130))]), true);
    t.push(Buffer.concat([p1, p2, Buffer.alloc(30)]), meta(1), true);
    expect(t.clientHellos()).toEqual([]);
    // Datagram 2: the start, repeated.
    const p3 = protect(dcid, 2, Buffer.concat([crypto(0, hello.subarray(0, 70)), crypto(0, hello.subarray(0, 10))]), true);
    t.push(p3, meta(2), true);
    expect(t.problems).toEqual([]);
    const [h] = t.clientHellos();
    expect(Buffer.from(h!.bytes).equals(hello)).toBe(true);
    expect(h!.frame).toBe(2);
    expect(h!.pieces).toEqual([
      { at: 0, length: 60, frame: 2, fileOffset: 200 },
      { at: 60, length: 60, frame: 1, fileOffset: 100 },
      { at: 120, length: hello.length - 120, frame: 1, fileOffset: 100 },
    ]);
    expect(t.packetLog.map((p) => p.frames)).toEqual([['CRYPTO', 'PING'], ['ACK', 'CRYPTO'], ['CRYPTO', 'CRYPTO']]);
  });

  it('keeps the original keys when later client Initials use the server\'s connection ID, and lists a second ClientHello', () => {
    const t = new QuicInitialTracker();
    t.push(protect(dcid, 0, crypto(0, hello), true), meta(1), true);
    const serverCid = Uint8Array.from([0xee, 0xdd]);
    // The DCID is now the server's SCID, but the packet stays protected with keys from the original DCID.
    t.push(protect(serverCid, 1, crypto(hello.length, hello), true, dcid), meta(3), true);
    expect(t.problems).toEqual([]);
    expect(t.clientHellos()).toHaveLength(2);
  });

  it('prefers the ServerHello after a HelloRetryRequest', () => {
    const t = new QuicInitialTracker();
    t.push(protect(dcid, 0, crypto(0, hello), true), meta(1), true);
    const hrrRandom = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');
    const hrr = Buffer.concat([Buffer.from([2, 0, 0, 40, 3, 3]), hrrRandom, Buffer.from([0, 0x13, 0x01, 0, 0, 0])]);
    const sh = Buffer.from(v1.server_payload!.subarray(9));
    t.push(protect(dcid, 0, crypto(0, hrr), false), meta(2), false);
    expect(t.serverHello()!.bytes[6]).toBe(0xcf); // only the HRR so far
    t.push(protect(dcid, 1, crypto(hrr.length, sh), false), meta(3), false);
    expect(t.problems).toEqual([]);
    expect(Buffer.from(t.serverHello()!.bytes).equals(sh)).toBe(true);
  });

  it('CryptoStream: earlier data wins on overlaps and gaps stop the contiguous prefix', () => {
    const s = new CryptoStream();
    s.add(0, Uint8Array.from([1, 2, 3]), 1, 10);
    s.add(2, Uint8Array.from([9, 4, 5]), 2, 20);
    s.add(10, Uint8Array.from([7]), 3, 30);
    expect(Array.from(s.contiguous().bytes)).toEqual([1, 2, 3, 4, 5]);
    expect(s.hasGap()).toBe(true);
  });

  it('ignores non-QUIC UDP and never throws on garbage', () => {
    expect(looksLikeQuicLongHeader(Uint8Array.from([0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0]))).toBe(false);
    expect(looksLikeQuicLongHeader(Uint8Array.from([0xc0, 0xfa, 0xce, 0xb0, 0x0c, 0, 0, 0]))).toBe(false);
    const t = new QuicInitialTracker();
    const pkt = v1.client_initial_protected!;
    for (let cut = 0; cut < 80; cut++) t.push(pkt.subarray(0, cut * 15), meta(cut), true);
    for (let i = 0; i < 200; i++) {
      const m = pkt.slice();
      m[(i * 37) % 60]! ^= 1 << (i % 8);
      t.push(m, meta(i), i % 2 === 0);
    }
    expect(t.clientHellos().length).toBeLessThanOrEqual(1);
  });
});

describe('FoxIO QUIC captures', () => {
  const ja4For = (file: string): { ja4: string[]; ja4s: (string | undefined)[]; trackers: QuicInitialTracker[] } => {
    const flows = new Map<string, { t: QuicInitialTracker; client: string }>();
    for (const p of readPackets(join(CONFORMANCE, 'pcap', file))) {
      if (p.kind !== 'udp') continue;
      const key = [`${p.src}:${p.srcPort}`, `${p.dst}:${p.dstPort}`].sort().join('|');
      let f = flows.get(key);
      if (!f) {
        if (!looksLikeQuicLongHeader(p.payload)) continue;
        f = { t: new QuicInitialTracker(), client: `${p.src}:${p.srcPort}` };
        flows.set(key, f);
      }
      f.t.push(p.payload, p, `${p.src}:${p.srcPort}` === f.client);
    }
    const trackers = [...flows.values()].map((f) => f.t);
    return {
      trackers,
      ja4: trackers.flatMap((t) => t.clientHellos().map((h) => computeJa4(parseTls(h.bytes, { tree: false }).clientHello!, { transport: 'quic' }).ja4)),
      ja4s: trackers.map((t) => { const s = t.serverHello(); return s ? computeJa4s(parseTls(s.bytes, { tree: false }).serverHello!, { transport: 'quic' }).ja4s : undefined; }),
    };
  };

  it.each(['quic-tls-handshake.pcapng', 'quic-with-several-tls-frames.pcapng'])('%s gives the Rust reference JA4', (file) => {
    // expected/rust-insta: ja4 = q13d0310h3_55b375c5d22e_cd85d2d88918 (PY and WS give none).
    const r = ja4For(file);
    expect(r.ja4).toEqual(['q13d0310h3_55b375c5d22e_cd85d2d88918']);
    expect(r.trackers[0]!.problems).toEqual([]);
  });

  it('quic-tls-handshake.pcapng: 11 out-of-order CRYPTO frames in one Initial', () => {
    const r = ja4For('quic-tls-handshake.pcapng');
    expect(r.trackers[0]!.packetLog[0]!.frames.filter((f) => f === 'CRYPTO')).toHaveLength(11);
  });

  it('chrome-cloudflare-quic-with-secrets.pcapng (IPv6): JA4 and the server Initial\'s JA4S match Rust', () => {
    const r = ja4For('chrome-cloudflare-quic-with-secrets.pcapng');
    expect(r.ja4).toEqual(['q13d0310h3_55b375c5d22e_cd85d2d88918']);
    expect(r.ja4s).toEqual(['q130200_1301_234ea6891581']);
  });

  it('a server Initial that comes before the client\'s in the file (captures merged out of step) is decrypted once the client\'s gives the keys', () => {
    const udp = readPackets(join(CONFORMANCE, 'pcap', 'chrome-cloudflare-quic-with-secrets.pcapng')).filter((p) => p.kind === 'udp' && looksLikeQuicLongHeader(p.payload));
    const client = `${udp[0]!.src}:${udp[0]!.srcPort}`;
    const fromClient = (p: (typeof udp)[number]): boolean => `${p.src}:${p.srcPort}` === client;
    const firstServer = udp.findIndex((p) => !fromClient(p));
    expect(firstServer).toBeGreaterThan(0);
    const t = new QuicInitialTracker();
    for (const p of [udp[firstServer]!, ...udp.filter((_, i) => i !== firstServer)]) t.push(p.payload, p, fromClient(p));
    const s = t.serverHello();
    expect(s && computeJa4s(parseTls(s.bytes, { tree: false }).serverHello!, { transport: 'quic' }).ja4s).toBe('q130200_1301_234ea6891581');
    expect(t.clientHellos().map((h) => computeJa4(parseTls(h.bytes, { tree: false }).clientHello!, { transport: 'quic' }).ja4)).toEqual(['q13d0310h3_55b375c5d22e_cd85d2d88918']);
    // Only server Initials: said at the end.
    const alone = new QuicInitialTracker();
    alone.push(udp[firstServer]!.payload, udp[firstServer]!, false);
    alone.endEarly();
    expect(alone.problems.map((p) => p.code)).toEqual(['quic_decrypt']);
  });
});
