// Buffers the first bytes of a connection until the client's whole ClientHello has arrived,
// however the client split it over TCP reads and TLS records, so it can be fingerprinted before
// node:tls consumes it.

export type CollectState =
  | { kind: 'more' }
  | { kind: 'hello'; bytes: Uint8Array }
  | { kind: 'plain-http' }
  | { kind: 'not-tls'; first: string }
  | { kind: 'too-large'; size: number };

export class HelloCollector {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxHello = 128 * 1024) {}

  /** Everything received so far (the first chunk itself when there is only one: no copy). */
  get buffered(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }

  push(chunk: Buffer): CollectState {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    const b = this.chunks[0]!;
    if (b.length === 0) return { kind: 'more' };
    if (b[0] !== 0x16) {
      if (/^[A-Z]{3,8} /.test(b.subarray(0, 9).toString('latin1')) || (b.length < 9 && /^[A-Z]+$/.test(b.toString('latin1')))) {
        return b.length < 9 && !b.includes(0x20) ? { kind: 'more' } : { kind: 'plain-http' };
      }
      return { kind: 'not-tls', first: b.subarray(0, 8).toString('hex').replace(/(..)/g, '$1 ').trim() };
    }
    // Walk whole records; the handshake message length (first 4 bytes of the handshake stream)
    // says when the hello is complete.
    let off = 0, hs = 0, need = -1;
    const head: number[] = [];
    while (off + 5 <= b.length) {
      if (b[off] !== 0x16 || b[off + 1] !== 3) return { kind: 'not-tls', first: b.subarray(off, off + 8).toString('hex') };
      const len = b.readUInt16BE(off + 3);
      if (off + 5 + len > b.length) break;
      for (let i = 0; i < len && head.length < 4; i++) head.push(b[off + 5 + i]!);
      hs += len;
      off += 5 + len;
      if (need < 0 && head.length === 4) {
        if (head[0] !== 1) return { kind: 'not-tls', first: 'a handshake that is not a ClientHello' };
        need = 4 + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
        if (need > this.maxHello) return { kind: 'too-large', size: need };
      }
      // A view, not a copy: socket reads hand over buffers of their own, which nothing reuses.
      if (need >= 0 && hs >= need) return { kind: 'hello', bytes: b.subarray(0, off) };
    }
    if (this.size > this.maxHello + 4096) return { kind: 'too-large', size: this.size };
    return { kind: 'more' };
  }
}
