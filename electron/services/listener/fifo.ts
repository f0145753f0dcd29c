// A first-in first-out list for the observation window: push at the end, drop from the front in
// constant time. Array.prototype.shift moves every element of a large array (V8 cannot trim
// arrays in its large-object space from the front), so a full 50 MB window (about 17,000
// records) paid a move of the whole window, and a write barrier over it, for every connection.

export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(x: T): void {
    this.items.push(x);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    // Drop the emptied front once it is half the array: each item is copied at most once per
    // halving, so removal stays constant time on average.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }

  /** The items, oldest first, mapped. */
  map<U>(f: (x: T) => U): U[] {
    const out = new Array<U>(this.length);
    for (let i = this.head; i < this.items.length; i++) out[i - this.head] = f(this.items[i] as T);
    return out;
  }
}
