// Tombstones of finished IPv4 TCP conversations, kept as numbers. A finished conversation stays
// known for a while (the analyzer's TOMBSTONE_US) so that late packets on its addresses do not
// open a new one; on a handshake-dense capture that is ~20,000 conversations at any time, and as
// objects every one was copied by a young-generation collection, promoted and then marked by
// every full one (a tenth of the packet thread's time). Here a tombstone is a slot in typed
// arrays (addresses, ports, last packet time, place in the output order), found by the
// conversation's address-pair hash; they are forgotten in order of last packet time, exactly as
// the object tombstones are.
import { KeyedHeap } from './keyed-heap.js';

export class V4Tombs {
  /** Address-pair hash → slot. One tombstone per hash: the caller keeps any other as an object. */
  private readonly byHash = new Map<number, number>();
  private cap = 0;
  private h = new Int32Array(0);
  private a = new Uint32Array(0);
  private b = new Uint32Array(0);
  private ap = new Uint16Array(0);
  private bp = new Uint16Array(0);
  private last = new Float64Array(0);
  private pos = new Float64Array(0);
  private alive = new Uint8Array(0);
  /** Slots free for reuse, and the first never used. */
  private free: number[] = [];
  private fresh = 0;
  /** Slots by last packet time. */
  private readonly heap = new KeyedHeap<number>();
  /** Tombstones held (alive). */
  size = 0;

  /**
   * Keeps the tombstone of a finished conversation (client a:ap, server b:bp, hash h). False when
   * another tombstone holds that hash: the caller keeps this one as it did before.
   */
  add(h: number, a: number, ap: number, b: number, bp: number, last: number, pos: number): boolean {
    const prev = this.byHash.get(h);
    if (prev !== undefined) return false;
    const s = this.free.length ? this.free.pop()! : this.fresh++;
    if (s >= this.cap) this.grow();
    this.h[s] = h; this.a[s] = a; this.b[s] = b; this.ap[s] = ap; this.bp[s] = bp;
    this.last[s] = last; this.pos[s] = pos; this.alive[s] = 1;
    this.byHash.set(h, s);
    this.size++;
    this.heap.push(last, s);
    return true;
  }

  /** The slot of the tombstone of this address pair (either direction), or -1. */
  find(h: number, s4: number, sp: number, d4: number, dp: number): number {
    const s = this.byHash.get(h);
    if (s === undefined) return -1;
    const a = this.a[s]!, ap = this.ap[s]!, b = this.b[s]!, bp = this.bp[s]!;
    return (a === s4 && ap === sp && b === d4 && bp === dp) || (a === d4 && ap === dp && b === s4 && bp === sp) ? s : -1;
  }

  /** The output place of a tombstone that a new connection on its addresses takes over; the tombstone is gone. */
  take(s: number): number {
    this.alive[s] = 0;
    this.byHash.delete(this.h[s]!);
    this.size--;
    // The slot is freed when the heap lets it go (its entry there is still to come).
    return this.pos[s]!;
  }

  /** Forgets the tombstones whose last packet is before `before`; `forgot` is called for each (not for taken ones). */
  expire(before: number, forgot: () => void): void {
    while (this.heap.peekKey() < before) {
      const s = this.heap.pop()!;
      if (this.alive[s]) {
        this.alive[s] = 0;
        this.byHash.delete(this.h[s]!);
        this.size--;
        forgot();
      }
      this.free.push(s);
    }
  }

  clear(): void {
    this.byHash.clear();
    this.free = [];
    this.fresh = 0;
    this.heap.clear();
    this.alive.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const g = <T extends Int32Array | Uint32Array | Uint16Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => { const n = make(cap); n.set(old); return n; };
    this.h = g(this.h, (n) => new Int32Array(n));
    this.a = g(this.a, (n) => new Uint32Array(n));
    this.b = g(this.b, (n) => new Uint32Array(n));
    this.ap = g(this.ap, (n) => new Uint16Array(n));
    this.bp = g(this.bp, (n) => new Uint16Array(n));
    this.last = g(this.last, (n) => new Float64Array(n));
    this.pos = g(this.pos, (n) => new Float64Array(n));
    this.alive = g(this.alive, (n) => new Uint8Array(n));
    this.cap = cap;
  }
}
