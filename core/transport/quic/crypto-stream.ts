// Reassembles one direction's Initial CRYPTO stream from frames that arrive out of order,
// overlap or repeat (RFC 9000 section 19.6), remembering which frame supplied each byte run.

export interface CryptoPiece {
  /** Offset in the CRYPTO stream. */
  at: number;
  length: number;
  frame: number;
  fileOffset: number;
}

/** A handshake message cut out of the stream: its bytes and the runs they came from. */
export interface CryptoMessage {
  type: number;
  bytes: Uint8Array;
  /** Runs relative to `bytes`. */
  pieces: CryptoPiece[];
  /** The frame whose data completed the message. */
  frame: number;
}

/** Bounds memory for hostile input: no Initial flight comes near this. */
export const MAX_CRYPTO_STREAM = 256 * 1024;

export class CryptoStream {
  private readonly chunks: { offset: number; data: Uint8Array; frame: number; fileOffset: number }[] = [];
  overflow = false;

  add(offset: number, data: Uint8Array, frame: number, fileOffset: number): void {
    if (data.length === 0) return;
    if (offset + data.length > MAX_CRYPTO_STREAM) {
      this.overflow = true;
      return;
    }
    this.chunks.push({ offset, data: new Uint8Array(data), frame, fileOffset });
  }

  /** The bytes available from offset 0 without a gap; earlier-arriving data wins on overlaps. */
  contiguous(): { bytes: Uint8Array; pieces: CryptoPiece[] } {
    const sorted = [...this.chunks].sort((a, b) => a.offset - b.offset);
    let end = 0;
    for (const c of sorted) {
      if (c.offset > end) break;
      end = Math.max(end, c.offset + c.data.length);
    }
    const bytes = new Uint8Array(end);
    const filled = new Uint8Array(end);
    const pieces: CryptoPiece[] = [];
    // Arrival order decides who owns a byte, so a retransmission never rewrites what was read first.
    for (const c of this.chunks) {
      if (c.offset >= end) continue;
      let runStart = -1;
      const stop = Math.min(end, c.offset + c.data.length);
      for (let p = c.offset; p <= stop; p++) {
        const free = p < stop && !filled[p];
        if (free) {
          bytes[p] = c.data[p - c.offset]!;
          filled[p] = 1;
          if (runStart < 0) runStart = p;
        } else if (runStart >= 0) {
          pieces.push({ at: runStart, length: p - runStart, frame: c.frame, fileOffset: c.fileOffset });
          runStart = -1;
        }
      }
    }
    pieces.sort((a, b) => a.at - b.at);
    return { bytes, pieces };
  }

  /** Complete handshake messages (4-byte header + body) from the start of the stream. */
  messages(): CryptoMessage[] {
    const { bytes, pieces } = this.contiguous();
    const out: CryptoMessage[] = [];
    let at = 0;
    while (at + 4 <= bytes.length) {
      const len = (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
      const end = at + 4 + len;
      if (end > bytes.length) break;
      const own: CryptoPiece[] = [];
      let frame = 0;
      for (const p of pieces) {
        const s = Math.max(p.at, at), e = Math.min(p.at + p.length, end);
        if (s >= e) continue;
        own.push({ at: s - at, length: e - s, frame: p.frame, fileOffset: p.fileOffset });
        frame = Math.max(frame, p.frame);
      }
      out.push({ type: bytes[at]!, bytes: bytes.subarray(at, end), pieces: own, frame });
      at = end;
    }
    return out;
  }

  /** True when data beyond the contiguous prefix is waiting for a gap to be filled. */
  hasGap(): boolean {
    const end = this.contiguous().bytes.length;
    return this.chunks.some((c) => c.offset > end);
  }
}
