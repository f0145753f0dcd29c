import { describe, expect, it } from 'vitest';
import { findField, walkFields, type Field } from '../../../core/dissect/field.js';
import { checkFieldInvariants } from '../../../core/dissect/validate.js';
import { dissectQuicDatagram } from '../../../core/transport/quic/index.js';
import { foxioPcap } from '../../helpers/foxio-expected.js';
import { readPackets } from '../../helpers/read-pcap.js';
import { rfcVectors } from '../../helpers/rfc-vectors.js';

const v1 = rfcVectors('rfc9001-appendix-a.txt');
const DCID = Uint8Array.from([0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08]);
const keys = (fields: Field[]): string[] => { const k: string[] = []; walkFields(fields, (f) => { k.push(f.key); }); return k; };

describe('QUIC datagram dissection', () => {
  it('RFC 9001 A.2: header fields with byte ranges and the decrypted CRYPTO frame', () => {
    const d = dissectQuicDatagram(v1.client_initial_protected!, { fromClient: true });
    expect(d.problems).toEqual([]);
    expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
    expect(findField(d.fields, 'quic.dcid')).toMatchObject({ start: 6, length: 8, value: '8394c8f03e515708' });
    expect(findField(d.fields, 'quic.length')).toMatchObject({ start: 16, length: 2, value: 1182 });
    expect(findField(d.fields, 'quic.packet_number')).toMatchObject({ start: 18, length: 4, display: '2 (after removing header protection)' });
    expect(findField(d.fields, 'quic.crypto.length')?.value).toBe(241);
    expect(d.sources).toHaveLength(2);
    expect(d.sources[1]!.bytes.length).toBe(1162);
  });

  it('RFC 9001 A.3: the server Initial with the client DCID', () => {
    const d = dissectQuicDatagram(v1.server_initial_protected!, { fromClient: false, clientDcid: DCID });
    expect(d.problems).toEqual([]);
    expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
    expect(keys(d.fields)).toContain('quic.ack.largest_acknowledged');
    expect(findField(d.fields, 'quic.packet_number')?.length).toBe(2);
  });

  it('FoxIO quic-tls-handshake.pcapng: 11 CRYPTO frames, invariants hold', () => {
    const p = readPackets(foxioPcap('quic-tls-handshake.pcapng')).find((x) => x.kind === 'udp')!;
    const d = dissectQuicDatagram(p.payload, { fromClient: true });
    expect(d.problems).toEqual([]);
    expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
    expect(keys(d.fields).filter((k) => k === 'quic.crypto.offset')).toHaveLength(11);
  });

  it('truncated and damaged datagrams give problems, never exceptions, and keep the invariants', () => {
    const pkt = v1.client_initial_protected!;
    for (let i = 0; i < 120; i++) {
      const m = pkt.slice(0, i % 2 ? (i * 37) % pkt.length : pkt.length);
      if (i % 3 === 0 && m.length > 20) m[(i * 11) % 20]! ^= 0x40;
      const d = dissectQuicDatagram(m, { fromClient: true });
      expect(checkFieldInvariants(d.fields, d.sources)).toEqual([]);
    }
  });
});
