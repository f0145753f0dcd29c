// A DER (ITU-T X.690) reader that keeps every element's byte range, for JA4X and the X.509 view.
// Malformed input becomes problems on the returned tree, never an exception.
import type { Problem } from '../dissect/field.js';

export interface DerNode {
  /** Identifier octet fields: class 0 universal, 1 application, 2 context, 3 private. */
  cls: number;
  constructed: boolean;
  tag: number;
  /** Offset of the identifier octet, header length, and content length (all within the input). */
  start: number;
  headerLength: number;
  length: number;
  children?: DerNode[];
}

export const contentStart = (n: DerNode): number => n.start + n.headerLength;
export const nodeEnd = (n: DerNode): number => n.start + n.headerLength + n.length;
export const content = (b: Uint8Array, n: DerNode): Uint8Array => b.subarray(contentStart(n), nodeEnd(n));

/** Universal tags used here. */
export const TAG = { BOOLEAN: 1, INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, NULL: 5, OID: 6, UTF8: 12, SEQUENCE: 16, SET: 17, PRINTABLE: 19, T61: 20, IA5: 22, UTC_TIME: 23, GENERALIZED_TIME: 24, UNIVERSAL: 28, BMP: 30 } as const;

const MAX_DEPTH = 32;

export interface DerParse {
  nodes: DerNode[];
  problems: Problem[];
}

/** Reads one element header at `at` (within `end`); a string explains why it could not. */
function readHeader(b: Uint8Array, at: number, end: number): Omit<DerNode, 'children'> | string {
  if (at + 2 > end) return `DER element header cut off at offset ${at}`;
  const id = b[at]!;
  let p = at + 1;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= end || i > 3) return `DER high tag number too long or cut off at offset ${at}`;
      const x = b[p++]!;
      tag = tag * 128 + (x & 0x7f);
      if (!(x & 0x80)) break;
    }
  }
  if (p >= end) return `DER length cut off at offset ${p}`;
  let length = b[p++]!;
  if (length === 0x80) return `indefinite length (not DER) at offset ${p - 1}`;
  if (length > 0x80) {
    const n = length & 0x7f;
    if (n > 4 || p + n > end) return `DER length of ${n} bytes invalid or cut off at offset ${p - 1}`;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[p++]!;
  }
  if (p + length > end) return `DER element length ${length} exceeds the ${end - p} bytes left at offset ${at}`;
  return { cls: id >> 6, constructed: (id & 0x20) !== 0, tag, start: at, headerLength: p - at, length };
}

function readList(b: Uint8Array, at: number, end: number, depth: number, problems: Problem[], source: string): DerNode[] {
  const out: DerNode[] = [];
  while (at < end) {
    const h = readHeader(b, at, end);
    if (typeof h === 'string') {
      problems.push({ severity: 'error', code: 'der_malformed', message: h, source, offset: at });
      break;
    }
    const node: DerNode = h;
    if (h.constructed) {
      if (depth >= MAX_DEPTH) problems.push({ severity: 'error', code: 'der_depth', message: `DER nesting deeper than ${MAX_DEPTH} at offset ${at}`, source, offset: at });
      else node.children = readList(b, contentStart(h), nodeEnd(h), depth + 1, problems, source);
    }
    out.push(node);
    at = nodeEnd(h);
  }
  return out;
}

/** Parses DER bytes into a tree of elements with byte ranges. */
export function parseDer(b: Uint8Array, source = 'der'): DerParse {
  const problems: Problem[] = [];
  const nodes = readList(b, 0, b.length, 0, problems, source);
  return { nodes, problems };
}

/** Dotted form of an OID's content bytes (`2a864886f70d010101` -> `1.2.840.113549.1.1.1`). */
export function oidToString(c: Uint8Array): string {
  const arcs: number[] = [];
  let v = 0;
  for (const x of c) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      if (arcs.length === 0) arcs.push(v < 40 ? 0 : v < 80 ? 1 : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}
