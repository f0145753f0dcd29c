import type { Fmt, FieldReader } from '../../bytes/field-reader.js';
import { isGrease } from '../grease.js';

/** A u16 list with a length prefix, each item shown through `fmt` and GREASE-marked. */
export function readU16List(r: FieldReader, lenBytes: 1 | 2, lenKey: string, lenLabel: string, itemKey: string, itemLabel: string, what: string, fmt: Fmt): number[] {
  const sub = r.vector(lenBytes, lenKey, lenLabel, what);
  const out: number[] = [];
  if ((sub.left & 1) !== 0) sub.problem('error', 'odd_length', `${what} length ${sub.left} is odd; each entry is 2 bytes`);
  while (sub.left >= 2) out.push(sub.u16(itemKey, itemLabel, fmt, isGrease));
  r.finish(sub, what);
  return out;
}

/** A u8 list with a 1-byte length prefix. */
export function readU8List(r: FieldReader, lenKey: string, lenLabel: string, itemKey: string, itemLabel: string, what: string, fmt: Fmt): number[] {
  const sub = r.vector(1, lenKey, lenLabel, what);
  const out: number[] = [];
  while (sub.left >= 1) out.push(sub.u8(itemKey, itemLabel, fmt));
  r.finish(sub, what);
  return out;
}

/** Display for small enumerations: `name (n)`. */
export const enumFmt = (names: Record<number, string>): Fmt => (v) => `${names[v] ?? 'Unknown'} (${v})`;
