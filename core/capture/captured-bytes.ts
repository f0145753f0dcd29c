// Helpers over CapturedBytes (reassembled bytes with the frames they came from).
import type { CapturedBytes } from './connection.js';

/** `count` pieces from flat runs of four numbers (at, length, frame, fileOffset) starting at `from`. */
export function piecesFromRuns(runs: ArrayLike<number>, from: number, count: number): CapturedBytes['pieces'] {
  const out: CapturedBytes['pieces'] = new Array(count);
  for (let k = 0, i = from; k < count; k++, i += 4) out[k] = { at: runs[i]!, length: runs[i + 1]!, frame: runs[i + 2]!, fileOffset: runs[i + 3]! };
  return out;
}

/** The capture frame that carried byte `at` of a reassembled stream. */
export function frameAt(c: CapturedBytes, at: number): number {
  for (const p of c.pieces) if (at < p.at + p.length) return p.frame;
  return c.pieces[c.pieces.length - 1]?.frame ?? 0;
}

/** The frame and file offset of byte `at` of a reassembled stream, when a piece holds it. */
export function fileSpotAt(c: CapturedBytes, at: number): { frame: number; fileOffset: number } | undefined {
  for (const p of c.pieces) if (at >= p.at && at < p.at + p.length) return { frame: p.frame, fileOffset: p.fileOffset + (at - p.at) };
  return undefined;
}

/** How far into a stream TLS may start: after an HTTP CONNECT exchange or a SOCKS handshake. */
const PREAMBLE_SEARCH = 8192;

/**
 * Offset of the first TLS handshake record of a stream (optionally one starting a message of
 * handshake type `type`: 1 ClientHello, 2 ServerHello), searching past a proxy preamble; -1 if none.
 */
export function findHandshakeRecord(b: Uint8Array, type?: number): number {
  const stop = Math.min(b.length - 6, PREAMBLE_SEARCH);
  if (stop < 0) return -1;
  // From one byte 22 to the next (a native search): a plain-text stream has none, and was
  // walked byte by byte for 8 KB in each direction.
  const head = b.subarray(0, stop + 1);
  for (let i = head.indexOf(22); i >= 0; i = head.indexOf(22, i + 1)) {
    if (b[i + 1] === 3 && b[i + 2]! <= 4 && (type === undefined || b[i + 5] === type)) return i;
  }
  return -1;
}

/** Bytes `start..end` of a stream with the pieces that carried them, as a stand-alone copy. */
export function sliceCaptured(cb: CapturedBytes, start: number, end: number): CapturedBytes {
  return {
    bytes: cb.bytes.slice(start, end),
    pieces: cb.pieces.filter((p) => p.at < end && p.at + p.length > start).map((p) => {
      const s = Math.max(p.at, start), e = Math.min(p.at + p.length, end);
      return { at: s - start, length: e - s, frame: p.frame, fileOffset: p.fileOffset + (s - p.at) };
    }),
  };
}
