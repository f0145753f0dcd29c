// The body of a request to the listener: read by its framing (RFC 9112 6: Transfer-Encoding
// chunked, else Content-Length, else none), bounded, and for POST /v1/tls/fingerprint checked to
// be the JSON object the endpoint takes. Reading the framing is also what tells where a request
// ends: without it, a POST answered at the end of its header section left its body unread.
import { concatBytes } from '../../../core/bytes/concat.js';
import type { HttpHeader } from '../../../core/http/model.js';

export type BodyRead =
  | { kind: 'more' }
  | { kind: 'body'; bytes: Uint8Array }
  | { kind: 'error'; status: 400 | 413; error: string };

const MORE: BodyRead = { kind: 'more' };
const NONE: BodyRead = { kind: 'body', bytes: new Uint8Array(0) };

/** The body of an HTTP/1 request whose header section ends at `start` of `b` (`max`: the largest body taken). */
export function readHttp1Body(b: Uint8Array, start: number, headers: HttpHeader[], max: number): BodyRead {
  const te = headers.filter((h) => h.name.toLowerCase() === 'transfer-encoding').map((h) => h.value).join(',');
  if (te.trim()) {
    const codings = te.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
    // A request whose last coding is not chunked has no length it can be read by (RFC 9112 6.3).
    if (codings.at(-1) !== 'chunked') return { kind: 'error', status: 400, error: `Transfer-Encoding "${te}" does not end with chunked` };
    return readChunked(b, start, max);
  }
  const lengths = headers.filter((h) => h.name.toLowerCase() === 'content-length').flatMap((h) => h.value.split(',').map((x) => x.trim()));
  if (lengths.length === 0) return NONE;
  if (!lengths.every((x) => /^\d+$/.test(x)) || new Set(lengths.map(Number)).size !== 1) return { kind: 'error', status: 400, error: `invalid Content-Length: ${lengths.join(', ')}` };
  const n = Number(lengths[0]);
  if (n > max) return { kind: 'error', status: 413, error: `a request body of ${n} bytes exceeds the ${max} taken` };
  if (b.length - start < n) return MORE;
  return { kind: 'body', bytes: b.subarray(start, start + n) };
}

function readChunked(b: Uint8Array, start: number, max: number): BodyRead {
  const parts: Uint8Array[] = [];
  let size = 0, at = start;
  for (;;) {
    const nl = b.indexOf(0x0a, at);
    if (nl < 0) return b.length - at > 1024 ? { kind: 'error', status: 400, error: `chunk size line at body offset ${at - start} is longer than 1024 bytes` } : MORE;
    const line = Buffer.from(b.subarray(at, nl)).toString('latin1').replace(/\r$/, '');
    const m = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/.exec(line);
    if (!m) return { kind: 'error', status: 400, error: `not a chunk size at body offset ${at - start}: ${JSON.stringify(line.slice(0, 40))}` };
    const n = parseInt(m[1]!, 16);
    at = nl + 1;
    if (n === 0) {
      // Trailer fields, up to an empty line.
      for (;;) {
        const e = b.indexOf(0x0a, at);
        if (e < 0) return b.length - at > 8192 ? { kind: 'error', status: 400, error: 'trailer section longer than 8192 bytes' } : MORE;
        const empty = e === at || (e === at + 1 && b[at] === 0x0d);
        at = e + 1;
        if (empty) break;
      }
      return { kind: 'body', bytes: concatBytes(parts, size) };
    }
    size += n;
    if (size > max) return { kind: 'error', status: 413, error: `a chunked request body of more than ${max} bytes` };
    if (b.length < at + n + 1) return MORE;
    parts.push(b.subarray(at, at + n));
    at += n;
    // The chunk's CRLF (or a bare LF).
    if (b[at] === 0x0d) { if (b.length < at + 2) return MORE; at++; }
    if (b[at] !== 0x0a) return { kind: 'error', status: 400, error: `chunk data at body offset ${at - start} is not followed by CRLF` };
    at++;
  }
}

/**
 * Why a body is not what POST /v1/tls/fingerprint takes (a JSON object, `{}` in the seed's
 * example), or undefined when it is; an empty body is taken as `{}` (clients posting nothing).
 */
export function fingerprintBodyProblem(body: Uint8Array | undefined): string | undefined {
  if (!body || body.length === 0) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body).trim();
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `the request body is not JSON (${(e as Error).message}); send {}`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return `the request body must be a JSON object such as {}, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`;
  return undefined;
}
