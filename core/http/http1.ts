// HTTP/1.0 and 1.1 request parsing with byte ranges: request line and header fields exactly as
// sent (names in their original case and order), for JA4H and the dissection view. A request
// cut off before the end of its header section is still returned (complete: false).
import { decodeLatin1 } from '../bytes/field-reader.js';
import type { Field, Problem } from '../dissect/field.js';
import type { HttpHeader, HttpRequest } from './model.js';

export interface Http1Parse {
  request: HttpRequest | null;
  /** Bytes of this request including its body, when the body length is known. */
  consumed: number;
  complete: boolean;
  problems: Problem[];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_HEADER_BYTES = 256 * 1024;


/** True when the bytes start like an HTTP/1 request line (`METHOD SP`). */
export function looksLikeHttp1Request(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && i < 24 && b[i] !== 0x20) {
    const c = b[i]!;
    if (!(c >= 0x41 && c <= 0x5a) && c !== 0x2d && c !== 0x5f) return false;
    i++;
  }
  return i > 0 && i < b.length && b[i] === 0x20;
}

export function parseHttp1Request(bytes: Uint8Array, opts: { tree?: boolean; source?: string; offset?: number } = {}): Http1Parse {
  const source = opts.source ?? 'input';
  const base = opts.offset ?? 0;
  const problems: Problem[] = [];
  const problem = (severity: Problem['severity'], code: string, message: string, offset: number): void => {
    problems.push({ severity, code, message, source, offset });
  };
  const limit = Math.min(bytes.length, base + MAX_HEADER_BYTES);
  // Lines end at LF (CRLF or, leniently, a bare LF); the header section ends at an empty line.
  const lines: { s: number; e: number; next: number }[] = [];
  let at = base, headerEnd = -1;
  while (at < limit) {
    let nl = bytes.indexOf(0x0a, at);
    if (nl < 0 || nl >= limit) break;
    const e = nl > at && bytes[nl - 1] === 0x0d ? nl - 1 : nl;
    if (e === at && lines.length > 0) { headerEnd = nl + 1; break; }
    if (e === at && lines.length === 0) { at = nl + 1; continue; } // leading empty lines (RFC 9112 2.2)
    lines.push({ s: at, e, next: nl + 1 });
    at = nl + 1;
  }
  const complete = headerEnd >= 0;
  if (lines.length === 0) {
    problem('error', 'truncated', `no complete request line in ${bytes.length - base} bytes at offset ${base}`, base);
    return { request: null, consumed: 0, complete: false, problems };
  }
  const rl = lines[0]!;
  const reqLine = decodeLatin1(bytes, rl.s, rl.e);
  const m = /^(\S+) (\S+)(?: (HTTP\/\d(?:\.\d)?))?$/.exec(reqLine);
  if (!m || !TOKEN.test(m[1]!)) {
    problem('error', 'not_http', `not an HTTP request line at offset ${rl.s}: ${JSON.stringify(reqLine.slice(0, 60))}`, rl.s);
    return { request: null, consumed: 0, complete: false, problems };
  }
  const [, method, target, version = 'HTTP/0.9'] = m as unknown as [string, string, string, string | undefined];
  const fields: Field[] = [];
  const tree = opts.tree ?? false;
  if (tree) {
    const mEnd = rl.s + method.length;
    fields.push({
      key: 'http.request_line', label: 'Request Line', source, start: rl.s, length: rl.next - rl.s, display: reqLine,
      children: [
        { key: 'http.request.method', label: 'Method', source, start: rl.s, length: method.length, value: method, display: method },
        { key: 'http.request.uri', label: 'Request URI', source, start: mEnd + 1, length: target.length, value: target, display: target },
        ...(m[3] ? [{ key: 'http.request.version', label: 'Version', source, start: mEnd + 2 + target.length, length: version.length, value: version, display: version }] : []),
      ],
    });
  }
  const headers: HttpHeader[] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    const first = bytes[l.s]!;
    if ((first === 0x20 || first === 0x09) && headers.length) {
      // obs-fold: continuation of the previous field value (RFC 9112 5.2).
      const h = headers[headers.length - 1]!;
      h.value = `${h.value} ${decodeLatin1(bytes, l.s, l.e).trim()}`;
      h.length = l.next - h.start!;
      delete h.valueStart; // the value now spans lines: offsets into it no longer map to bytes
      problem('warning', 'obs_fold', `header ${h.name} continues on a folded line at offset ${l.s}`, l.s);
      continue;
    }
    const colon = bytes.indexOf(0x3a, l.s);
    if (colon < 0 || colon >= l.e) {
      problem('warning', 'bad_header', `header line without ':' at offset ${l.s}: ${JSON.stringify(decodeLatin1(bytes, l.s, Math.min(l.e, l.s + 40)))}`, l.s);
      continue;
    }
    const name = decodeLatin1(bytes, l.s, colon);
    const raw = decodeLatin1(bytes, colon + 1, l.e);
    const value = raw.trim();
    if (!TOKEN.test(name)) problem('warning', 'bad_header_name', `header name ${JSON.stringify(name)} at offset ${l.s} is not a token`, l.s);
    headers.push({ name, value, start: l.s, length: l.next - l.s, valueStart: colon + 1 + (value ? raw.indexOf(value) : 0) });
    if (tree) {
      fields.push({
        key: 'http.header', label: name, source, start: l.s, length: l.next - l.s, display: `${name}: ${value}`,
        children: [
          { key: 'http.header.name', label: 'Name', source, start: l.s, length: colon - l.s, value: name, display: name },
          { key: 'http.header.value', label: 'Value', source, start: colon + 1, length: l.e - colon - 1, value, display: value },
        ],
      });
    }
  }
  if (!complete) {
    const tail = lines[lines.length - 1]!.next;
    problem('warning', 'truncated', `request cut off before the end of its headers at offset ${tail < bytes.length ? bytes.length : tail} (${headers.length} header lines read)`, Math.min(tail, bytes.length));
  }
  let consumed = complete ? headerEnd - base : bytes.length - base;
  if (complete) {
    const cl = headers.find((h) => h.name.toLowerCase() === 'content-length');
    const te = headers.find((h) => h.name.toLowerCase() === 'transfer-encoding');
    if (te && /chunked/i.test(te.value)) consumed = chunkedEnd(bytes, headerEnd) - base;
    else if (cl && /^\d+$/.test(cl.value)) consumed += Math.min(Number(cl.value), bytes.length - headerEnd);
  }
  return { request: { method, target, version, headers, complete, problems, source, start: rl.s, ...(tree ? { fields } : {}) }, consumed, complete, problems };
}

/** Where a chunked body starting at `at` ends (or the end of the input). */
function chunkedEnd(b: Uint8Array, at: number): number {
  for (let guard = 0; guard < 100000; guard++) {
    const nl = b.indexOf(0x0a, at);
    if (nl < 0) return b.length;
    const size = parseInt(decodeLatin1(b, at, nl).trim().split(';')[0]!, 16);
    if (!Number.isFinite(size)) return b.length;
    at = nl + 1;
    if (size === 0) {
      // Trailer section up to the empty line.
      for (;;) {
        const e = b.indexOf(0x0a, at);
        if (e < 0) return b.length;
        const empty = e === at || (e === at + 1 && b[at] === 0x0d);
        at = e + 1;
        if (empty) return at;
      }
    }
    at += size;
    if (at >= b.length) return b.length;
    if (b[at] === 0x0d) at++;
    if (b[at] === 0x0a) at++;
  }
  return b.length;
}

/** Every request of a keep-alive or pipelined client stream, in order. */
export function parseHttp1Requests(stream: Uint8Array, opts: { tree?: boolean; source?: string; max?: number } = {}): { requests: HttpRequest[]; offsets: number[]; problems: Problem[] } {
  const requests: HttpRequest[] = [];
  const offsets: number[] = [];
  const problems: Problem[] = [];
  let at = 0;
  const max = opts.max ?? 1000;
  while (at < stream.length && requests.length < max) {
    if (!looksLikeHttp1Request(stream.subarray(at, at + 32))) {
      // Skip bytes we cannot place (a body of unknown length, a gap) up to the next request line.
      const next = findNextRequest(stream, at + 1);
      if (next < 0) break;
      problems.push({ severity: 'warning', code: 'skipped_bytes', message: `${next - at} bytes at offset ${at} are not an HTTP request; skipped`, offset: at });
      at = next;
      continue;
    }
    const p = parseHttp1Request(stream, { ...opts, offset: at });
    if (!p.request) { problems.push(...p.problems); break; }
    requests.push(p.request);
    offsets.push(at);
    if (!p.complete || p.consumed <= 0) break;
    at += p.consumed;
  }
  return { requests, offsets, problems };
}

const METHOD_STARTS = ['GET ', 'POST ', 'PUT ', 'HEAD ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'CONNECT ', 'TRACE '];
function findNextRequest(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) {
    if (b[i - 1] !== 0x0a) continue;
    for (const m of METHOD_STARTS) {
      let ok = true;
      for (let k = 0; k < m.length && ok; k++) ok = b[i + k] === m.charCodeAt(k);
      if (ok) return i;
    }
  }
  return -1;
}
