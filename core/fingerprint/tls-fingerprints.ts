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
    const j3 = computeJa3(hello);
    this.ja3 = j3.ja3;
    this.ja3_full = j3.ja3_full;
    this.ja3n = j3.ja3n;
    this.ja3n_full = j3.ja3n_full;
    const p = ja4Parts(hello, opts);
    const sorted = ja4SortedForms(p);
    this.ja4 = sorted.ja4;
    this.ja4_r = sorted.ja4_r;
    this.ja4_ro = ja4RawOriginal(p);
    this.#hello = hello;
    this.#parts = p;
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
