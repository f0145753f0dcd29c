// ArrayBuffers the other thread is done with, kept to be filled again: a new ArrayBuffer per
// batch counts as external memory, and V8 starts a full collection of a thread's heap for every
// 64 MB of it.

export class SpareBuffers {
  private readonly kept: ArrayBuffer[] = [];

  /** Keeps `b` (up to four are kept). */
  give(b: ArrayBuffer): void {
    if (this.kept.length < 4) this.kept.push(b);
  }

  /** A kept buffer of at least `size` bytes, or a new one of `size`. */
  take(size: number): ArrayBuffer {
    for (let i = this.kept.length - 1; i >= 0; i--) if (this.kept[i]!.byteLength >= size) return this.kept.splice(i, 1)[0]!;
    return new ArrayBuffer(size);
  }
}
