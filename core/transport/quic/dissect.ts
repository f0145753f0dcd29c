// Field tree of a QUIC datagram for the packet view: each coalesced long-header packet's header
// fields with their byte ranges in the datagram, and, for Initial packets, the decrypted payload
// as its own data source with the frames in it (PADDING, PING, ACK, CRYPTO, CONNECTION_CLOSE).
import { FieldReader, OutOfBytes } from '../../bytes/field-reader.js';
import { toHex } from '../../bytes/hex.js';
import type { DataSource, Field, Problem } from '../../dissect/field.js';
import { TreeBuilder } from '../../dissect/tree-builder.js';
import { deriveInitialKeys } from './initial-keys.js';
import { decryptLongPacket, parseLongHeader } from './packet.js';

export interface QuicDissection {
  fields: Field[];
  sources: DataSource[];
  problems: Problem[];
}

const hex32 = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

function readFrames(r: FieldReader): void {
  while (r.left > 0) {
    const at = r.pos;
    const type = r.buf[at]!;
    if (type === 0) {
      let end = at;
      while (end < r.end && r.buf[end] === 0) end++;
      r.open('quic.frame', 'PADDING', `${end - at} bytes`);
      r.bytes('quic.padding', 'Padding', end - at, (b) => `${b.length} bytes`);
      r.close();
      continue;
    }
    r.open('quic.frame', 'Frame');
    const t = r.varint('quic.frame_type', 'Frame Type', (v) => `0x${v.toString(16)}`);
    if (t === 1) r.close('PING');
    else if (t === 2 || t === 3) {
      const largest = r.varint('quic.ack.largest_acknowledged', 'Largest Acknowledged');
      r.varint('quic.ack.ack_delay', 'ACK Delay');
      const n = r.varint('quic.ack.ack_range_count', 'ACK Range Count');
      r.varint('quic.ack.first_ack_range', 'First ACK Range');
      for (let i = 0; i < n; i++) {
        r.varint('quic.ack.gap', 'Gap');
        r.varint('quic.ack.ack_range', 'ACK Range Length');
      }
      if (t === 3) for (const k of ['ect0', 'ect1', 'ecn_ce']) r.varint(`quic.ack.${k}_count`, `${k.toUpperCase()} Count`);
      r.close(`ACK (largest ${largest})`);
    } else if (t === 6) {
      const offset = r.varint('quic.crypto.offset', 'Offset');
      const length = r.varint('quic.crypto.length', 'Length');
      r.bytes('quic.crypto.crypto_data', 'Crypto Data', Math.min(length, r.left), (b) => `${b.length} bytes`);
      if (length > r.end - at) r.problem('error', 'length_exceeds', `CRYPTO length ${length} exceeds the payload at offset ${at}`);
      r.close(`CRYPTO offset ${offset}, ${length} bytes`);
    } else if (t === 0x1c || t === 0x1d) {
      r.varint('quic.cc.error_code', 'Error Code');
      if (t === 0x1c) r.varint('quic.cc.frame_type', 'Frame Type');
      const len = r.varint('quic.cc.reason_phrase.length', 'Reason Phrase Length');
      r.text('quic.cc.reason_phrase', 'Reason Phrase', Math.min(len, r.left));
      r.close('CONNECTION_CLOSE');
    } else {
      r.problem('warning', 'quic_frame', `frame type 0x${t.toString(16)} at offset ${at} is not allowed in an Initial packet`, at);
      r.close(`unexpected type 0x${t.toString(16)}`);
      r.bytes('quic.remaining', 'Remaining', r.left, (b) => `${b.length} bytes`);
    }
  }
}

/**
 * Dissects a UDP payload holding QUIC packets. Initial packets are decrypted with keys from
 * `clientDcid` (the Destination Connection ID of the client's first Initial; defaults to this
 * packet's DCID, right for a client's first Initial).
 */
export function dissectQuicDatagram(payload: Uint8Array, opts: { source?: string; fromClient: boolean; clientDcid?: Uint8Array }): QuicDissection {
  const source = opts.source ?? 'udp.payload';
  const tree = new TreeBuilder();
  const sources: DataSource[] = [{ id: source, label: 'UDP payload', bytes: payload }];
  const r = new FieldReader(payload, source, 0, payload.length, tree);
  let n = 0;
  while (r.left > 0) {
    const start = r.pos;
    if ((payload[start]! & 0x80) === 0) {
      r.bytes('quic.short', 'Short-header packet (1-RTT, protected)', r.left, (b) => `${b.length} bytes`);
      break;
    }
    const h = parseLongHeader(payload, start);
    if (typeof h === 'string') {
      if (payload.subarray(start).every((b) => b === 0)) r.bytes('quic.padding', 'Datagram padding', r.left, (b) => `${b.length} bytes`);
      else {
        r.problem('warning', 'quic_header', h, start);
        r.bytes('quic.remaining', 'Unparsed', r.left, (b) => `${b.length} bytes`);
      }
      break;
    }
    const pr = r.sub(h.length);
    pr.open('quic.packet', `QUIC ${h.info.name} ${h.type} packet`);
    try {
      pr.uint(1, 'quic.long.first_byte', 'First Byte (header protected)', (v) => `0x${v.toString(16)}`);
      pr.uint(4, 'quic.version', 'Version', (v) => `${hex32(v)} (${h.info.name})`);
      const dl = pr.uint(1, 'quic.dcil', 'Destination Connection ID Length');
      pr.bytes('quic.dcid', 'Destination Connection ID', dl);
      const sl = pr.uint(1, 'quic.scil', 'Source Connection ID Length');
      pr.bytes('quic.scid', 'Source Connection ID', sl);
      if (h.type === 'retry') {
        pr.bytes('quic.retry_token', 'Retry Token and Integrity Tag', pr.left);
      } else {
        if (h.type === 'initial') {
          const tl = pr.varint('quic.token_length', 'Token Length');
          pr.bytes('quic.token', 'Token', tl);
        }
        pr.varint('quic.length', 'Length');
        let pnLen = 0;
        if (h.type === 'initial') {
          const dcid = opts.fromClient ? (opts.clientDcid ?? h.dcid) : opts.clientDcid;
          const keys = dcid ? deriveInitialKeys(dcid, h.info) : undefined;
          const d = keys ? decryptLongPacket(payload, h, opts.fromClient ? keys.client : keys.server) : 'no client DCID to derive the server Initial keys from';
          if (typeof d === 'string') pr.problem('warning', 'quic_decrypt', d, start);
          else {
            // The packet-number length is only known after header protection is removed.
            pnLen = h.payloadLength - 16 - d.plaintext.length;
            pr.bytes('quic.packet_number', 'Packet Number (protected)', pnLen, () => `${d.packetNumber} (after removing header protection)`);
            const id = `${source}.initial${n}`;
            sources.push({ id, label: `Decrypted Initial payload (packet ${d.packetNumber})`, bytes: d.plaintext });
            const fr = new FieldReader(d.plaintext, id, 0, d.plaintext.length, tree);
            fr.open('quic.decrypted_payload', 'Decrypted payload', `${d.plaintext.length} bytes`);
            try {
              readFrames(fr);
            } catch (e) {
              if (!(e instanceof OutOfBytes)) throw e;
              tree.unwindTo(2, d.plaintext.length);
              fr.problem('error', 'truncated', `frame cut off at offset ${e.offset} of the decrypted payload`, e.offset);
            }
            fr.close(undefined, undefined, d.plaintext.length);
          }
        }
        pr.bytes('quic.protected_payload', pnLen ? 'Protected Payload (AEAD ciphertext and tag)' : 'Protected packet number and payload', pr.left, (b) => `${b.length} bytes`);
      }
    } catch (e) {
      if (!(e instanceof OutOfBytes)) throw e;
      tree.unwindTo(1, start + h.length);
      pr.problem('error', 'truncated', `QUIC packet cut off at offset ${e.offset}`, e.offset);
    }
    pr.close(`${h.length} bytes, DCID ${toHex(h.dcid)}`, undefined, start + h.length);
    r.pos = start + h.length;
    n++;
  }
  return { fields: tree.roots, sources, problems: tree.problems };
}
