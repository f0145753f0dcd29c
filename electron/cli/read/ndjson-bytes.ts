// The finishing thread's ndjson output as UTF-8 bytes in a transferable buffer, line by line,
// instead of one string per batch. A batch's text (a few hundred records, ~200 KB) was a large
// object on both threads' heaps (flattened to be posted, then made again on the other side), and
// large objects go straight to the old generation: on a handshake-dense capture they started
// about a third of the packet thread's full collections. The buffers come back once written.

import { SpareBuffers } from './spare-buffers.js';

const MIN = 256 * 1024;

export class NdjsonBytes {
  private buf: Buffer | undefined;
  private at = 0;
  private readonly spares = new SpareBuffers();
  private last = MIN;

  /** A buffer the writer is done with, to be filled again (a few are kept). */
  give(b: ArrayBuffer): void {
    this.spares.give(b);
  }

  /** Appends `line` and a newline. */
  add(line: string): void {
    // At most 3 bytes per UTF-16 unit, plus the newline.
    const need = this.at + line.length * 3 + 1;
    if (!this.buf || need > this.buf.length) this.grow(need);
    const b = this.buf!;
    this.at += b.write(line, this.at, 'utf8');
    b[this.at++] = 0x0a;
  }

  /** The bytes so far (their buffer is meant to be transferred), or undefined when there are none. */
  take(): Uint8Array | undefined {
    if (!this.buf || this.at === 0) return undefined;
    const out = new Uint8Array(this.buf.buffer, 0, this.at);
    this.last = Math.max(MIN, this.at + (this.at >> 2));
    this.buf = undefined;
    this.at = 0;
    return out;
  }

  private grow(need: number): void {
    const size = Math.max(need, this.last, this.buf ? this.buf.length * 2 : 0);
    const next = Buffer.from(this.spares.take(size));
    if (this.buf && this.at) this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}
