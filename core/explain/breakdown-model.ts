// The "explain a fingerprint" model: a fingerprint string cut into parts, each part's inputs as
// items, and every part and item pointing at the bytes it came from (for the hex view). Plain
// JSON (no Uint8Array, no classes): breakdowns cross IPC and workers unchanged. Types, plus
// a few tiny constructors.

/** A byte range in a data source (the `source` ids of core/dissect/field.ts). */
export interface ByteRef {
  source: string;
  start: number;
  length: number;
  /** Field key of the bytes, as in the dissection tree (`tls.handshake.ciphersuite`...). */
  key?: string;
}

/** One input of a part: a cipher suite, an extension, a header name, a cookie... */
export interface BreakdownItem {
  /** As written into the fingerprint or its hash input (`1301`, `4865`, `Host`, `551d0f`). */
  text: string;
  /** Human name (`TLS_AES_128_GCM_SHA256 (0x1301)`, `commonName (CN)`). */
  label: string;
  explanation: string;
  refs: ByteRef[];
  /** Present when the value was seen but left out of the fingerprint. Removed items follow the used ones. */
  removed?: { reason: string };
}

export interface BreakdownPart {
  /** `a`, `b`, `c`, `d`, or a sub-part such as `a.version` or `c.signature_algorithms`. */
  id: string;
  label: string;
  /** The characters this part contributes (the hash, the raw list, `13`, `d`...). */
  value: string;
  /** Where `value` sits in the fingerprint string, when it appears there literally. */
  span?: { start: number; length: number };
  explanation: string;
  refs: ByteRef[];
  items?: BreakdownItem[];
  /** The exact string that is hashed for this part, and its hash. */
  hashInput?: string;
  hash?: string;
}

export type BreakdownMethod = 'ja4' | 'ja3' | 'ja4h' | 'ja4s' | 'ja4x';

export interface FingerprintBreakdown {
  method: BreakdownMethod;
  /** Output key: `ja4`, `ja4_r`, `ja4_o`, `ja4_ro`, `ja3`, `ja3_full`, `ja4h_ro`... */
  form: string;
  /** Exactly what the method's compute function gives for this form. */
  value: string;
  /** Top-level parts in order, each followed by its sub-parts (`a`, `a.protocol`, ... `b`, `c`, `c.extensions`). */
  parts: BreakdownPart[];
  /** Whole-string hash (JA3: MD5 of the comma-separated string). */
  hashInput?: string;
  hash?: string;
}

export const byteRef = (source: string, start: number, length: number, key?: string): ByteRef =>
  key === undefined ? { source, start, length } : { source, start, length, key };

/** `span` of `value` when the part starts at `start` in the fingerprint (undefined for hashed parts). */
export const spanAt = (start: number, value: string): { start: number; length: number } => ({ start, length: value.length });

/** Drops `span: undefined` and the like, so breakdowns compare and serialise cleanly. */
export const compactParts = (parts: BreakdownPart[]): BreakdownPart[] =>
  parts.map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as BreakdownPart);
