// The HTTP request model shared by the HTTP/1 and HTTP/2 parsers, JA4H, Akamai, the listener and
// captures. Types only.
import type { Field, Problem } from '../dissect/field.js';

export interface HttpHeader {
  /** Name as sent: original case for HTTP/1; lowercase for HTTP/2 (HPACK); pseudo-headers start with ':'. */
  name: string;
  value: string;
  /** Byte range of the whole header line (HTTP/1) or of its HPACK representation (HTTP/2), when known. */
  start?: number;
  length?: number;
  /** Offset of the value's first byte after the colon and optional whitespace (HTTP/1, single-line fields). */
  valueStart?: number;
}

export interface HttpRequest {
  method: string;
  /** Request target (HTTP/1) or :path (HTTP/2). */
  target: string;
  /** `HTTP/1.0`, `HTTP/1.1`, `HTTP/2`, or what the request line said. */
  version: string;
  /** Every header field in the order sent, HTTP/2 pseudo-headers included (JA4H skips them). */
  headers: HttpHeader[];
  /** False when the input ended before the end of the header section. */
  complete: boolean;
  /** Data source id the byte ranges refer to, and the offset of the request line (HTTP/1). */
  source?: string;
  start?: number;
  /** HTTP/2 stream id. */
  streamId?: number;
  problems: Problem[];
  fields?: Field[];
}

/** What a client sent in its HTTP/2 connection preface before its first HEADERS frame (for Akamai). */
export interface Http2Preface {
  /** SETTINGS parameters in order sent: [id, value]. */
  settings: [number, number][];
  /** Connection-level WINDOW_UPDATE increment, 0 if none. */
  windowUpdate: number;
  /** PRIORITY frames: stream id, exclusive bit, dependency, weight (as on the wire, 0-255). */
  priorities: { streamId: number; exclusive: boolean; dependsOn: number; weight: number }[];
  /** Pseudo-header order of the first request, e.g. [':method', ':authority', ':scheme', ':path']. */
  pseudoHeaderOrder: string[];
  /** Frame types (names) in the order sent before the first request, e.g. SETTINGS, WINDOW_UPDATE, PRIORITY, HEADERS. */
  frames: string[];
}
