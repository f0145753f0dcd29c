// What the listener derives from a ClientHello (its fingerprints, its server name, its ALPN
// list), remembered per hello "shape": the hello's bytes with the fields a client fills anew on
// every connection blanked out (the random, the session id, the key_share keys, the padding, the
// session ticket, the PSK identities and binders, the ECH config id, enc and payload). None of
// those fields is an input of any fingerprint (JA3, JA4, tls_fp read versions, lists of code
// points, the server name and ALPN), and every length stays in the key, so two hellos with the
// same key give the same results; the key is compared exactly (a Map of strings), never by a
// hash alone. Repeat clients (scripts, bots, a browser reloading, the benchmark) send the same
// shape; Chrome shuffles its extension order per connection and GREASE values change, so its
// hellos rarely repeat a shape: they are computed as before.
import { fingerprintClientHello, type ClientHelloFingerprints } from '../../../core/fingerprint/tls-fingerprints.js';
import type { ClientHello } from '../../../core/tls/model.js';
import { parseTls, type TlsParse } from '../../../core/tls/parse-tls.js';
import { helloTraits, type HelloTraits } from './bot-score.js';

/** What is computed once per shape. Shared between connections: never mutate it. */
export interface HelloFacts {
  readonly fp: Readonly<ClientHelloFingerprints>;
  readonly serverName: string | null;
  /** What bot_score reads of the hello. */
  readonly traits: HelloTraits;
  /** Anything a caller derives from the facts alone and wants to keep with them (text fragments). */
  derived?: unknown;
}

const EXT_PADDING = 21, EXT_SESSION_TICKET = 35, EXT_PSK = 41, EXT_KEY_SHARE = 51, EXT_ECH = 0xfe0d;

/**
 * The shape key of a hello as the collector hands it over (TLS records), or null when the bytes
 * are not exactly one TLS record holding exactly one well-formed ClientHello (then the caller
 * computes without the memo). The key is the bytes themselves, as a latin1 string, with the
 * per-connection fields set to zero.
 */
export function helloShapeKey(b: Uint8Array): string | null {
  const masks = helloShapeMasks(b);
  return masks === null ? null : keyOf(b, masks);
}

function keyOf(b: Uint8Array, masks: readonly number[]): string {
  const k = Buffer.from(b); // a copy: the connection's bytes stay as received
  for (let i = 0; i < masks.length; i += 2) k.fill(0, masks[i]!, masks[i]! + masks[i + 1]!);
  return k.toString('latin1');
}

/** True when `b` (with its masks `bm`) has the shape of `a` (masks `am`): same masks, same bytes outside them. */
function sameShape(a: Uint8Array, am: readonly number[], b: Uint8Array, bm: readonly number[]): boolean {
  const n = a.length;
  if (b.length !== n || am.length !== bm.length) return false;
  for (let i = 0; i < am.length; i++) if (am[i] !== bm[i]) return false;
  let from = 0;
  for (let m = 0; m <= am.length; m += 2) {
    const to = m < am.length ? am[m]! : n;
    for (let i = from; i < to; i++) if (a[i] !== b[i]) return false;
    if (m < am.length) from = to + am[m + 1]!;
  }
  return true;
}

/** The (start, length) pairs of the per-connection fields of a hello, in order, or null (see helloShapeKey). */
export function helloShapeMasks(b: Uint8Array): number[] | null {
  const n = b.length;
  if (n < 9 + 2 + 32 + 1 + 2 + 1 || b[0] !== 0x16 || b[1] !== 3) return null;
  if (((b[3]! << 8) | b[4]!) !== n - 5) return null;
  if (b[5] !== 1 || ((b[6]! << 16) | (b[7]! << 8) | b[8]!) !== n - 9) return null;
  const masks: number[] = [11, 32]; // the random: (start, length) pairs
  let p = 43;
  const sid = b[p]!;
  if (sid > 32 || p + 1 + sid > n) return null;
  if (sid) masks.push(p + 1, sid);
  p += 1 + sid;
  if (p + 2 > n) return null;
  p += 2 + ((b[p]! << 8) | b[p + 1]!);
  if (p + 1 > n) return null;
  p += 1 + b[p]!;
  if (p > n) return null;
  if (p < n) {
    if (p + 2 > n || p + 2 + ((b[p]! << 8) | b[p + 1]!) !== n) return null;
    p += 2;
    while (p < n) {
      if (p + 4 > n) return null;
      const type = (b[p]! << 8) | b[p + 1]!, len = (b[p + 2]! << 8) | b[p + 3]!;
      const at = p + 4, end = at + len;
      if (end > n) return null;
      if (type === EXT_PADDING || type === EXT_SESSION_TICKET) {
        if (len) masks.push(at, len);
      } else if (type === EXT_KEY_SHARE) {
        // client_shares<0..2^16-1>: { group(2), key_exchange<1..2^16-1> }
        if (len < 2 || 2 + ((b[at]! << 8) | b[at + 1]!) !== len) return null;
        let q = at + 2;
        while (q < end) {
          if (q + 4 > end) return null;
          const kl = (b[q + 2]! << 8) | b[q + 3]!;
          if (q + 4 + kl > end) return null;
          if (kl) masks.push(q + 4, kl);
          q += 4 + kl;
        }
      } else if (type === EXT_PSK) {
        // identities<7..2^16-1>: { identity<1..2^16-1>, obfuscated_ticket_age(4) }, binders<33..2^16-1>: { binder<32..255> }
        if (len < 2) return null;
        const il = (b[at]! << 8) | b[at + 1]!;
        let q = at + 2;
        const iend = q + il;
        if (iend + 2 > end) return null;
        while (q < iend) {
          if (q + 2 > iend) return null;
          const l = (b[q]! << 8) | b[q + 1]!;
          if (q + 2 + l + 4 > iend) return null;
          masks.push(q + 2, l + 4);
          q += 2 + l + 4;
        }
        q = iend;
        if (q + 2 + ((b[q]! << 8) | b[q + 1]!) !== end) return null;
        q += 2;
        while (q < end) {
          const l = b[q]!;
          if (q + 1 + l > end) return null;
          if (l) masks.push(q + 1, l);
          q += 1 + l;
        }
      } else if (type === EXT_ECH && len > 0 && b[at] === 0) {
        // outer: type(1), cipher_suite(4), config_id(1), enc<0..2^16-1>, payload<1..2^16-1>
        let q = at + 5;
        if (q + 3 > end) return null;
        masks.push(q, 1);
        q += 1;
        const el = (b[q]! << 8) | b[q + 1]!;
        if (q + 2 + el + 2 > end) return null;
        if (el) masks.push(q + 2, el);
        q += 2 + el;
        const pl = (b[q]! << 8) | b[q + 1]!;
        if (q + 2 + pl !== end) return null;
        if (pl) masks.push(q + 2, pl);
      }
      p = end;
    }
  }
  return masks;
}

/** Parses a hello the way the listener does (no field tree). */
export function parseHello(bytes: Uint8Array): TlsParse {
  return parseTls(bytes, { tree: false, framing: 'tls', source: 'client' });
}

/** The facts computed from scratch (what a memo hit must equal). */
export function computeHelloFacts(hello: ClientHello): HelloFacts {
  return { fp: fingerprintClientHello(hello), serverName: hello.serverName ?? null, traits: helloTraits(hello) };
}

/**
 * Facts per shape, bounded (emptied when full). `get` returns the remembered facts, or computes
 * them from `hello()` (the parse, which the caller may keep for other uses) and remembers them.
 */
export class HelloMemo {
  private readonly byShape = new Map<string, HelloFacts>();
  hits = 0;
  misses = 0;
  /** At most `max` shapes of at most `maxBytes` bytes each (larger hellos are computed every time: the memo stays small). */
  constructor(private readonly max = 1024, private readonly maxBytes = 8192) {}

  get(bytes: Uint8Array, hello: () => ClientHello): HelloFacts {
    const masks = bytes.length <= this.maxBytes ? helloShapeMasks(bytes) : null;
    let key: string | null = null;
    if (masks !== null) {
      // The shapes met last are compared in place (no key to build); then the map.
      for (let i = 0; i < this.recent.length; i++) {
        const r = this.recent[i]!;
        if (sameShape(r.bytes, r.masks, bytes, masks)) { this.hits++; return r.facts; }
      }
      key = keyOf(bytes, masks);
      const hit = this.byShape.get(key);
      if (hit !== undefined) { this.hits++; this.remember(bytes, masks, hit); return hit; }
    }
    this.misses++;
    const facts = computeHelloFacts(hello());
    if (key !== null) {
      if (this.byShape.size >= this.max) this.byShape.clear();
      this.byShape.set(key, facts);
      this.remember(bytes, masks!, facts);
    }
    return facts;
  }

  private readonly recent: { bytes: Uint8Array; masks: number[]; facts: HelloFacts }[] = [];
  private remember(bytes: Uint8Array, masks: number[], facts: HelloFacts): void {
    // A copy of the bytes: the entry outlives the connection's read buffer.
    if (this.recent.length >= 4) this.recent.pop();
    this.recent.unshift({ bytes: new Uint8Array(bytes), masks, facts });
  }

  get size(): number {
    return this.byShape.size;
  }
}
