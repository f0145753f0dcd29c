// QUIC long-header packets (RFC 9000 section 17.2): header parsing, header-protection removal
// and AEAD decryption of Initial packets (RFC 9001 sections 5.3-5.4).
import { ecb, gcm } from '@noble/ciphers/aes.js';
import type { PacketKeys } from './initial-keys.js';
import { quicVersionInfo, type QuicVersionInfo } from './versions.js';

/**
 * A copy as a plain Uint8Array. Never `.slice()` here: inputs may be Node Buffers, whose `slice`
 * is a view, so writing the unprotected header into it would corrupt the capture bytes.
 */
const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);

/** A QUIC variable-length integer at `at`: value and encoded length, or undefined when cut off. */
export function readVarint(b: Uint8Array, at: number): { value: number; length: number } | undefined {
  if (at >= b.length) return undefined;
  const length = 1 << (b[at]! >> 6);
  if (at + length > b.length) return undefined;
  let value = b[at]! & 0x3f;
  for (let i = 1; i < length; i++) value = value * 256 + b[at + i]!;
  return { value, length };
}

export type LongPacketType = 'initial' | '0rtt' | 'handshake' | 'retry';

export interface LongHeader {
  /** Offset of the packet in the datagram and its total length (up to the end of the datagram for Retry). */
  start: number;
  length: number;
  version: number;
  info: QuicVersionInfo;
  type: LongPacketType;
  dcid: Uint8Array;
  scid: Uint8Array;
  token: Uint8Array;
  /** Offset (in the datagram) of the protected packet number. */
  pnOffset: number;
  /** Length of packet number + payload (the Length field). */
  payloadLength: number;
}

/**
 * Whether a UDP payload starts with a QUIC long header of a version Helloscope knows
 * (v1, v2, draft-29..32) with plausible connection ID lengths: the capture engine's QUIC test.
 */
export function looksLikeQuicLongHeader(payload: Uint8Array): boolean {
  if (payload.length < 7 || (payload[0]! & 0xc0) !== 0xc0) return false;
  const version = ((payload[1]! << 24) >>> 0) + ((payload[2]! << 16) | (payload[3]! << 8) | payload[4]!);
  if (!quicVersionInfo(version)) return false;
  const dl = payload[5]!;
  if (dl > 20 || 6 + dl >= payload.length) return false;
  const sl = payload[6 + dl]!;
  return sl <= 20 && 7 + dl + sl <= payload.length;
}

/** Parses the long header at `start`; a string explains why it could not. */
export function parseLongHeader(d: Uint8Array, start: number): LongHeader | string {
  if (start + 7 > d.length) return `long header cut off at offset ${start}`;
  const first = d[start]!;
  const version = ((d[start + 1]! << 24) >>> 0) + ((d[start + 2]! << 16) | (d[start + 3]! << 8) | d[start + 4]!);
  const info = quicVersionInfo(version);
  if (!info) return version === 0 ? 'version negotiation packet' : `unsupported QUIC version 0x${version.toString(16).padStart(8, '0')} at offset ${start}`;
  let p = start + 5;
  const dl = d[p++]!;
  if (dl > 20 || p + dl > d.length) return `destination connection ID length ${dl} invalid at offset ${p - 1}`;
  const dcid = d.subarray(p, p + dl);
  p += dl;
  if (p >= d.length) return `source connection ID length cut off at offset ${p}`;
  const sl = d[p++]!;
  if (sl > 20 || p + sl > d.length) return `source connection ID length ${sl} invalid at offset ${p - 1}`;
  const scid = d.subarray(p, p + sl);
  p += sl;
  const bits = (first >> 4) & 3;
  const t = info.types;
  const type: LongPacketType = bits === t.initial ? 'initial' : bits === t.zeroRtt ? '0rtt' : bits === t.handshake ? 'handshake' : 'retry';
  if (type === 'retry') return { start, length: d.length - start, version, info, type, dcid, scid, token: d.subarray(p), pnOffset: d.length, payloadLength: 0 };
  let token: Uint8Array = d.subarray(p, p);
  if (type === 'initial') {
    const tl = readVarint(d, p);
    if (!tl || p + tl.length + tl.value > d.length) return `token length exceeds the datagram at offset ${p}`;
    p += tl.length;
    token = d.subarray(p, p + tl.value);
    p += tl.value;
  }
  const len = readVarint(d, p);
  if (!len) return `length field cut off at offset ${p}`;
  p += len.length;
  if (p + len.value > d.length) return `packet length ${len.value} exceeds the ${d.length - p} bytes left at offset ${p}`;
  return { start, length: p + len.value - start, version, info, type, dcid, scid, token, pnOffset: p, payloadLength: len.value };
}

/** Removes header protection and decrypts; returns the plaintext frames and packet number, or a reason. */
export function decryptLongPacket(d: Uint8Array, h: LongHeader, keys: PacketKeys): { plaintext: Uint8Array; packetNumber: number } | string {
  const sampleAt = h.pnOffset + 4;
  if (h.payloadLength < 20 || sampleAt + 16 > d.length) return `packet at offset ${h.start} too short for a header-protection sample`;
  const mask = ecb(keys.hp, { disablePadding: true }).encrypt(copy(d.subarray(sampleAt, sampleAt + 16)));
  const first = d[h.start]! ^ (mask[0]! & 0x0f);
  const pnLen = (first & 3) + 1;
  const header = copy(d.subarray(h.start, h.pnOffset + pnLen));
  header[0] = first;
  let pn = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = d[h.pnOffset + i]! ^ mask[1 + i]!;
    header[h.pnOffset - h.start + i] = b;
    pn = pn * 256 + b;
  }
  const nonce = copy(keys.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] = nonce[11 - i]! ^ ((pn >>> (8 * i)) & 0xff);
  try {
    const plaintext = gcm(keys.key, nonce, header).decrypt(copy(d.subarray(h.pnOffset + pnLen, h.pnOffset + h.payloadLength)));
    return { plaintext, packetNumber: pn };
  } catch {
    return `packet at offset ${h.start} failed authentication with the Initial keys`;
  }
}
