import type { ClientHello, ServerHello } from '../tls/model.js';
import { computeJa3, computeJa3s } from './ja3.js';
import { computeJa4, ja4OriginalForms, ja4Parts, ja4RawOriginal, ja4SortedForms, type Ja4Options, type Ja4Parts } from './ja4.js';
import { computeJa4s } from './ja4plus/ja4s.js';
import { computeTlsFp, type TlsFp } from './tls-fp.js';

/** The ClientHello fingerprints under the output keys the CLI and listener use. */
export interface ClientHelloFingerprints {
  ja3: string;
  ja3_full: string;
  ja3n: string;
  ja3n_full: string;
  ja4: string;
  ja4_r: string;
  ja4_o: string;
  ja4_ro: string;
  tls_fp: TlsFp;
  sha3_384: string;
}

export interface ServerHelloFingerprints {
  ja3s: string;
  ja3s_full: string;
  ja4s: string;
  ja4s_r: string;
}

export function fingerprintClientHello(hello: ClientHello, opts: Ja4Options = {}): ClientHelloFingerprints {
  const { ja3, ja3_full, ja3n, ja3n_full } = computeJa3(hello);
  const { ja4, ja4_r, ja4_o, ja4_ro } = computeJa4(hello, opts);
  const { tls_fp, sha3_384 } = computeTlsFp(hello);
  return { ja3, ja3_full, ja3n, ja3n_full, ja4, ja4_r, ja4_o, ja4_ro, tls_fp, sha3_384 };
}

/**
 * JA3 and JA4 read only these fields of a hello: the version, the cipher, extension, group,
 * point format, signature algorithm and version lists, the first ALPN value, whether SNI and
 * DTLS framing are there, and the transport asked for. Hellos of one client build agree on all
 * of them (random, session id and key shares differ), so their fingerprints are computed once
 * per shape. The key holds every one of those values (16 bits each, each list
 * preceded by its length; 0xffff for a list that is absent), so equal keys give equal results.
 * Note: clients that shuffle their extensions per connection (Chrome) rarely repeat a shape.
 */
const SHAPES_MAX = 4096;
const TRANSPORT_CODE = { tcp: 1, quic: 2, dtls: 3 } as const;

/** Fills a 16-bit key: values, lists as a length then their values, 0xffff for a missing list. */
class KeyBuilder {
  private k = new Uint16Array(256);
  private n = 0;

  reset(): this {
    this.n = 0;
    return this;
  }

  private room(m: number): void {
    if (this.n + m > this.k.length) {
      const nk = new Uint16Array(Math.max(this.k.length * 2, this.n + m));
      nk.set(this.k.subarray(0, this.n));
      this.k = nk;
    }
  }

  value(v: number): this {
    this.room(1);
    this.k[this.n++] = v;
    return this;
  }

  list(xs: ArrayLike<number> | undefined): this {
    if (xs === undefined) return this.value(0xffff);
    this.room(xs.length + 1);
    const k = this.k;
    let n = this.n;
    k[n++] = xs.length;
    for (let i = 0; i < xs.length; i++) k[n++] = xs[i]!;
    this.n = n;
    return this;
  }

  types(es: readonly { type: number }[]): this {
    this.room(es.length + 1);
    const k = this.k;
    let n = this.n;
    k[n++] = es.length;
    for (let i = 0; i < es.length; i++) k[n++] = es[i]!.type;
    this.n = n;
    return this;
  }

  /** FNV-1a over the values. */
  hash(): number {
    const k = this.k, n = this.n;
    let h = 0x811c9dc5 ^ n;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ k[i]!, 0x01000193);
    return h | 0;
  }

  matches(key: Uint16Array): boolean {
    const k = this.k, n = this.n;
    if (key.length !== n) return false;
    for (let i = 0; i < n; i++) if (key[i] !== k[i]) return false;
    return true;
  }

  copy(): Uint16Array {
    return this.k.slice(0, this.n);
  }
}

/**
 * Values by the key in a KeyBuilder: found by the key's hash and confirmed by comparing the
 * values, so a hit builds nothing (a string key per hello was a good part of the finishing
 * thread's time). Two keys with one hash: the later one is kept.
 */
class ShapeMemo<V> {
  private readonly byHash = new Map<number, { key: Uint16Array; value: V }>();

  get(k: KeyBuilder): V | undefined {
    const e = this.byHash.get(k.hash());
    return e !== undefined && k.matches(e.key) ? e.value : undefined;
  }

  set(k: KeyBuilder, value: V): void {
    if (this.byHash.size >= SHAPES_MAX) this.byHash.clear();
    this.byHash.set(k.hash(), { key: k.copy(), value });
  }
}

const kb = new KeyBuilder();
const shapes = new ShapeMemo<{ ja3: string; ja3_full: string; ja3n: string; ja3n_full: string; ja4: string; ja4_r: string; ja4_ro: string; parts: Ja4Parts }>();

/** The shape key of a hello, in the shared KeyBuilder (valid until its next use). */
function shapeKey(h: ClientHello, opts: Ja4Options): KeyBuilder {
  return kb.reset()
    .value(opts.transport ? TRANSPORT_CODE[opts.transport] : 0).value(h.dtls ? 1 : 0).value(h.sniPresent ? 1 : 0).value(h.legacyVersion)
    .list(h.cipherSuites).types(h.extensions).list(h.supportedGroups).list(h.ecPointFormats).list(h.signatureAlgorithms).list(h.supportedVersions)
    .list(h.alpn?.[0]);
}

/**
 * JA3S and JA4S read the version, the cipher, the extension types, supported_versions, the
 * first ALPN value, DTLS framing and the transport asked for: servers answer the same way
 * connection after connection, so the fingerprints are remembered per shape. The result is
 * shared: copy it before changing it.
 */
const serverShapes = new ShapeMemo<ServerHelloFingerprints>();

export function fingerprintServerHelloShared(hello: ServerHello, opts: Ja4Options = {}): Readonly<ServerHelloFingerprints> {
  const key = kb.reset()
    .value(opts.transport ? TRANSPORT_CODE[opts.transport] : 0).value(hello.dtls ? 1 : 0).value(hello.legacyVersion).value(hello.cipherSuite)
    .types(hello.extensions).list(hello.supportedVersions).list(hello.alpn?.[0]);
  let f = serverShapes.get(key);
  if (f === undefined) {
    f = fingerprintServerHello(hello, opts);
    // The key is still in kb: fingerprintServerHello does not build one.
    serverShapes.set(key, f);
  }
  return f;
}

/**
 * The same fingerprints as fingerprintClientHello, with `ja4_o`, `tls_fp` and `sha3_384` computed
 * on first read (the capture engine's fast path: `read` prints them only when asked). The lazy
 * members live on the prototype, so a spread or structured clone of the object leaves them out;
 * callers that copy records use fingerprintClientHello.
 */
export class LazyClientHelloFingerprints implements ClientHelloFingerprints {
  readonly ja3: string;
  readonly ja3_full: string;
  readonly ja3n: string;
  readonly ja3n_full: string;
  readonly ja4: string;
  readonly ja4_r: string;
  readonly ja4_ro: string;
  // Native private fields: not enumerable, so they never show up in a record's keys.
  readonly #hello: ClientHello;
  readonly #parts: Ja4Parts;
  #original?: string;
  #fp?: { tls_fp: TlsFp; sha3_384: string };

  constructor(hello: ClientHello, opts: Ja4Options = {}) {
    let f = shapes.get(shapeKey(hello, opts));
    if (f === undefined) {
      const j3 = computeJa3(hello);
      const p = ja4Parts(hello, opts);
      const sorted = ja4SortedForms(p);
      f = { ja3: j3.ja3, ja3_full: j3.ja3_full, ja3n: j3.ja3n, ja3n_full: j3.ja3n_full, ja4: sorted.ja4, ja4_r: sorted.ja4_r, ja4_ro: ja4RawOriginal(p), parts: p };
      // The key built again: it lives in the shared builder, which the code above is not promised to leave alone.
      shapes.set(shapeKey(hello, opts), f);
    }
    this.ja3 = f.ja3;
    this.ja3_full = f.ja3_full;
    this.ja3n = f.ja3n;
    this.ja3n_full = f.ja3n_full;
    this.ja4 = f.ja4;
    this.ja4_r = f.ja4_r;
    this.ja4_ro = f.ja4_ro;
    this.#hello = hello;
    this.#parts = f.parts;
  }

  get ja4_o(): string {
    return (this.#original ??= ja4OriginalForms(this.#parts).ja4_o);
  }

  get tls_fp(): TlsFp {
    return (this.#fp ??= computeTlsFp(this.#hello)).tls_fp;
  }

  get sha3_384(): string {
    return (this.#fp ??= computeTlsFp(this.#hello)).sha3_384;
  }
}

export function fingerprintServerHello(hello: ServerHello, opts: Ja4Options = {}): ServerHelloFingerprints {
  const { ja3s, ja3s_full } = computeJa3s(hello);
  const { ja4s, ja4s_r } = computeJa4s(hello, opts);
  return { ja3s, ja3s_full, ja4s, ja4s_r };
}
