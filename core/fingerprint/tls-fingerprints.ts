import type { ClientHello, ServerHello } from '../tls/model.js';
import { computeJa3, computeJa3s } from './ja3.js';
import { computeJa4, type Ja4Options } from './ja4.js';
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

export function fingerprintServerHello(hello: ServerHello, opts: Ja4Options = {}): ServerHelloFingerprints {
  const { ja3s, ja3s_full } = computeJa3s(hello);
  const { ja4s, ja4s_r } = computeJa4s(hello, opts);
  return { ja3s, ja3s_full, ja4s, ja4s_r };
}
