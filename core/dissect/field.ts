// The dissection model: every parsed value is a Field that knows the bytes it came from,
// like an item in Wireshark's protocol tree. Fields are plain JSON-friendly objects so they
// cross IPC, workers and the CLI unchanged.

export type FieldValue = number | string | boolean | null;

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Something wrong or notable about the input, attached where it was found (Wireshark's "expert info"). */
export interface Problem {
  severity: ProblemSeverity;
  /** Stable machine-readable code, e.g. `truncated`, `length_mismatch`, `trailing_bytes`. */
  code: string;
  /** One sentence that says what and where. */
  message: string;
  /** Data source id and byte offset within it, when the problem has a location. */
  source?: string;
  offset?: number;
}

export interface Field {
  /** Filter-style stable key, e.g. `tls.handshake.ciphersuite`. */
  key: string;
  /** Human label, e.g. `Cipher Suite`. */
  label: string;
  /** Id of the data source (see DataSource) that `start` and `length` refer to. */
  source: string;
  start: number;
  length: number;
  /** Decoded value: numbers for integers, strings for text, hex strings for opaque bytes. */
  value?: FieldValue;
  /** Value as shown to people, e.g. `TLS_AES_128_GCM_SHA256 (0x1301)`. */
  display: string;
  /** A GREASE value (RFC 8701). */
  grease?: true;
  /** Computed rather than read from the bytes (e.g. a fingerprint); `length` is 0 then. */
  generated?: true;
  problems?: Problem[];
  children?: Field[];
}

/** A buffer that fields point into: the input itself, or one reassembled from pieces of others. */
export interface DataSource {
  id: string;
  label: string;
  bytes: Uint8Array;
  /** For reassembled sources: where each run of bytes came from. Sorted by `at`. */
  pieces?: SourcePiece[];
}

export interface SourcePiece {
  /** Offset in this source. */
  at: number;
  length: number;
  /** Source id and offset the run was copied from. */
  source: string;
  start: number;
}

export const fieldEnd = (f: Pick<Field, 'start' | 'length'>): number => f.start + f.length;

/** Depth-first walk; return false from `visit` to skip a field's children. */
export function walkFields(fields: readonly Field[], visit: (f: Field, parent: Field | undefined, depth: number) => void | boolean): void {
  const go = (list: readonly Field[], parent: Field | undefined, depth: number): void => {
    for (const f of list) {
      if (visit(f, parent, depth) === false) continue;
      if (f.children) go(f.children, f, depth + 1);
    }
  };
  go(fields, undefined, 0);
}

/** First field with the key, depth first. */
export function findField(fields: readonly Field[], key: string): Field | undefined {
  let found: Field | undefined;
  walkFields(fields, (f) => {
    if (found) return false;
    if (f.key === key) found = f;
    return true;
  });
  return found;
}

/** Every field with the key, in tree order. */
export function findFields(fields: readonly Field[], key: string): Field[] {
  const out: Field[] = [];
  walkFields(fields, (f) => {
    if (f.key === key) out.push(f);
  });
  return out;
}

/** Map an offset in a reassembled source back to the source it was copied from. */
export function resolveOffset(sources: readonly DataSource[], sourceId: string, offset: number): { source: string; offset: number } {
  const src = sources.find((s) => s.id === sourceId);
  const piece = src?.pieces?.find((p) => offset >= p.at && offset < p.at + p.length);
  if (!piece) return { source: sourceId, offset };
  return resolveOffset(sources, piece.source, piece.start + (offset - piece.at));
}
