// A binary min-heap of values by a number key. The keys are kept in an array of their own, so
// sifting compares numbers side by side instead of reading a field of each value (scattered
// over the heap: a cache miss per comparison, most of the capture sweep's time when the values
// were finished conversations ordered by their last packet time).
export class KeyedHeap<T> {
  private k: number[] = [];
  private v: T[] = [];

  get size(): number {
    return this.v.length;
  }

  /** The value with the smallest key, or undefined when empty. */
  peek(): T | undefined {
    return this.v[0];
  }

  /** The smallest key (Infinity when empty). */
  peekKey(): number {
    return this.k.length ? this.k[0]! : Infinity;
  }

  clear(): void {
    this.k = [];
    this.v = [];
  }

  push(key: number, value: T): void {
    const k = this.k, v = this.v;
    let i = k.length;
    k.push(key);
    v.push(value);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      v[i] = v[p]!;
      i = p;
    }
    k[i] = key;
    v[i] = value;
  }

  /** Removes and returns the value with the smallest key (undefined when empty). */
  pop(): T | undefined {
    const k = this.k, v = this.v;
    if (!v.length) return undefined;
    const top = v[0];
    const key = k.pop()!, value = v.pop()!;
    const n = k.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i, x = key;
        if (l < n && k[l]! < x) { m = l; x = k[l]!; }
        if (r < n && k[r]! < x) m = r;
        if (m === i) break;
        k[i] = k[m]!;
        v[i] = v[m]!;
        i = m;
      }
      k[i] = key;
      v[i] = value;
    }
    return top;
  }
}
