// Bytes received on a connection so far. A client may send its hello or its request a byte at a
// time: appending copies only the new bytes (the capacity doubles), where concatenating the whole
// buffer on every read made such a client cost time quadratic in what it sent.

export class ReceivedBytes {
  private buf: Buffer = Buffer.alloc(0);
  private n = 0;

  get length(): number {
    return this.n;
  }

  /** What has been received, as a view (the first read's own buffer while it is the only one). */
  get bytes(): Buffer {
    return this.n === this.buf.length ? this.buf : this.buf.subarray(0, this.n);
  }

  append(chunk: Buffer): void {
    if (this.n === 0) {
      // The first read as it is: nothing is ever written into it (a later read makes a new buffer).
      this.buf = chunk;
      this.n = chunk.length;
      return;
    }
    if (this.n + chunk.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.n + chunk.length, this.buf.length * 2, 1024));
      this.buf.copy(grown, 0, 0, this.n);
      this.buf = grown;
    }
    chunk.copy(this.buf, this.n);
    this.n += chunk.length;
  }
}
