import type { DataSource, Field } from './field.js';

/**
 * Structural checks every dissection must pass (the invariants of the field model): each
 * field lies inside its data source, children lie inside their parent when they share its
 * source, and siblings in one source do not overlap. Returns one message per violation.
 */
export function checkFieldInvariants(fields: readonly Field[], sources: readonly DataSource[]): string[] {
  const size = new Map(sources.map((s) => [s.id, s.bytes.length]));
  const errors: string[] = [];
  const where = (f: Field): string => `${f.key} [${f.source}:${f.start}+${f.length}]`;
  const visit = (list: readonly Field[], parent: Field | undefined): void => {
    const prevEnd = new Map<string, { end: number; f: Field }>();
    for (const f of list) {
      const n = size.get(f.source);
      if (n === undefined) errors.push(`${where(f)}: unknown source`);
      else if (f.start < 0 || f.length < 0 || f.start + f.length > n) errors.push(`${where(f)}: outside its source of ${n} bytes`);
      if (parent && parent.source === f.source && (f.start < parent.start || f.start + f.length > parent.start + parent.length)) {
        errors.push(`${where(f)}: outside its parent ${where(parent)}`);
      }
      const prev = prevEnd.get(f.source);
      if (prev && f.length > 0 && f.start < prev.end) errors.push(`${where(f)}: overlaps its sibling ${where(prev.f)}`);
      if (f.length > 0) prevEnd.set(f.source, { end: f.start + f.length, f });
      if (f.children) visit(f.children, f);
    }
  };
  visit(fields, undefined);
  return errors;
}

/**
 * Byte ranges of a source that no leaf field covers (Kaitai-style gap report), merged.
 */
export function uncoveredRanges(fields: readonly Field[], source: DataSource): { start: number; length: number }[] {
  const covered = new Uint8Array(source.bytes.length);
  const mark = (list: readonly Field[]): void => {
    for (const f of list) {
      if (f.children?.length) mark(f.children);
      else if (f.source === source.id) covered.fill(1, f.start, f.start + f.length);
    }
  };
  mark(fields);
  const gaps: { start: number; length: number }[] = [];
  for (let i = 0; i < covered.length; i++) {
    if (covered[i]) continue;
    const start = i;
    while (i < covered.length && !covered[i]) i++;
    gaps.push({ start, length: i - start });
  }
  return gaps;
}
