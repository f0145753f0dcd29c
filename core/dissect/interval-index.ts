// Offset -> field lookup for the hex view (as the Kaitai Web IDE does it): the innermost field
// covering each byte, found by binary search over disjoint runs computed once per source.
import type { Field } from './field.js';

export interface FieldPath {
  field: Field;
  /** Indices from the top level down to `field`. */
  path: number[];
}

interface Run { start: number; end: number; hit: FieldPath }

export class FieldIntervalIndex {
  private readonly runs: Run[] = [];

  /** Indexes the fields of one source; later (deeper) fields win over the bytes they cover. */
  constructor(fields: readonly Field[], readonly source: string) {
    // Paint fields parent-first into a byte map of owners, then compress into runs.
    let max = 0;
    const items: FieldPath[] = [];
    const go = (list: readonly Field[], prefix: number[]): void => {
      list.forEach((f, i) => {
        const path = [...prefix, i];
        if (f.source === source && f.length > 0 && !f.generated) {
          items.push({ field: f, path });
          max = Math.max(max, f.start + f.length);
        }
        if (f.children) go(f.children, path);
      });
    };
    go(fields, []);
    const owner: (FieldPath | undefined)[] = new Array(max);
    for (const it of items) for (let i = it.field.start; i < it.field.start + it.field.length; i++) owner[i] = it;
    for (let i = 0; i < max;) {
      const hit = owner[i];
      let j = i + 1;
      while (j < max && owner[j] === hit) j++;
      if (hit) this.runs.push({ start: i, end: j, hit });
      i = j;
    }
  }

  /** The innermost field containing `offset`, or undefined for an unparsed byte. */
  at(offset: number): FieldPath | undefined {
    let lo = 0, hi = this.runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, r = this.runs[mid]!;
      if (offset < r.start) hi = mid - 1;
      else if (offset >= r.end) lo = mid + 1;
      else return r.hit;
    }
    return undefined;
  }
}
