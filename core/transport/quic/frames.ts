// The frames allowed in Initial packets (RFC 9000 section 12.4): PADDING, PING, ACK, CRYPTO,
// CONNECTION_CLOSE. Helloscope keeps the CRYPTO data and skips the rest.
import { readVarint } from './packet.js';

export interface CryptoFrame {
  /** Offset in the CRYPTO stream, and the data. */
  offset: number;
  data: Uint8Array;
}

export interface InitialFrames {
  crypto: CryptoFrame[];
  /** Frame type names in order (PADDING runs collapsed), for views and tests. */
  kinds: string[];
  /** Set when a frame could not be read or is not allowed in an Initial packet. */
  problem?: string;
}

export function readInitialFrames(p: Uint8Array): InitialFrames {
  const out: InitialFrames = { crypto: [], kinds: [] };
  let at = 0;
  const need = (v: ReturnType<typeof readVarint>, what: string): number => {
    if (!v) throw new Error(`${what} cut off at offset ${at} of the decrypted payload`);
    at += v.length;
    return v.value;
  };
  try {
    while (at < p.length) {
      const start = at;
      const type = need(readVarint(p, at), 'frame type');
      if (type === 0x00) {
        while (at < p.length && p[at] === 0) at++;
        if (out.kinds[out.kinds.length - 1] !== 'PADDING') out.kinds.push('PADDING');
      } else if (type === 0x01) out.kinds.push('PING');
      else if (type === 0x02 || type === 0x03) {
        need(readVarint(p, at), 'ACK largest');
        need(readVarint(p, at), 'ACK delay');
        const ranges = need(readVarint(p, at), 'ACK range count');
        need(readVarint(p, at), 'ACK first range');
        for (let i = 0; i < ranges; i++) {
          need(readVarint(p, at), 'ACK gap');
          need(readVarint(p, at), 'ACK range');
        }
        if (type === 0x03) for (let i = 0; i < 3; i++) need(readVarint(p, at), 'ECN count');
        out.kinds.push('ACK');
      } else if (type === 0x06) {
        const offset = need(readVarint(p, at), 'CRYPTO offset');
        const length = need(readVarint(p, at), 'CRYPTO length');
        if (at + length > p.length) throw new Error(`CRYPTO length ${length} exceeds the ${p.length - at} bytes left at offset ${at}`);
        out.crypto.push({ offset, data: p.subarray(at, at + length) });
        at += length;
        out.kinds.push('CRYPTO');
      } else if (type === 0x1c || type === 0x1d) {
        need(readVarint(p, at), 'error code');
        if (type === 0x1c) need(readVarint(p, at), 'frame type');
        const rl = need(readVarint(p, at), 'reason length');
        at += rl;
        out.kinds.push('CONNECTION_CLOSE');
      } else {
        out.problem = `frame type 0x${type.toString(16)} at offset ${start} is not allowed in an Initial packet`;
        break;
      }
    }
  } catch (e) {
    out.problem = (e as Error).message;
  }
  return out;
}
