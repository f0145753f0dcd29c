// JA3 / JA3S (Salesforce, BSD-3-Clause method; this implementation is Helloscope's own)
// and JA3N, JA3 with the extension list sorted so that Chrome's extension shuffling does not change it.
import { isGrease } from '../tls/grease.js';
import type { ClientHello, ServerHello } from '../tls/model.js';
import { md5Hex } from './hash.js';

const noGrease = (xs: readonly number[]): number[] => xs.filter((x) => !isGrease(x));
const dash = (xs: readonly number[]): string => xs.join('-');

export interface Ja3Result {
  /** MD5 of `ja3_full`. */
  ja3: string;
  /** `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats`, decimal, GREASE removed. */
  ja3_full: string;
  /** MD5 of `ja3n_full`. */
  ja3n: string;
  /** `ja3_full` with the extensions sorted numerically. */
  ja3n_full: string;
}

export function ja3Parts(hello: ClientHello): { version: number; ciphers: number[]; extensions: number[]; groups: number[]; pointFormats: number[] } {
  return {
    version: hello.legacyVersion,
    ciphers: noGrease(hello.cipherSuites),
    extensions: noGrease(hello.extensions.map((e) => e.type)),
    groups: noGrease(hello.supportedGroups ?? []),
    pointFormats: hello.ecPointFormats ?? [],
  };
}

export function computeJa3(hello: ClientHello): Ja3Result {
  const p = ja3Parts(hello);
  const head = `${p.version},${dash(p.ciphers)},`;
  const tail = `,${dash(p.groups)},${dash(p.pointFormats)}`;
  const full = head + dash(p.extensions) + tail;
  const nfull = head + Uint16Array.from(p.extensions).sort().join('-') + tail;
  return { ja3: md5Hex(full), ja3_full: full, ja3n: md5Hex(nfull), ja3n_full: nfull };
}

export interface Ja3sResult {
  ja3s: string;
  /** `SSLVersion,Cipher,Extensions`, decimal, GREASE removed. */
  ja3s_full: string;
}

export function computeJa3s(hello: ServerHello): Ja3sResult {
  const full = `${hello.legacyVersion},${hello.cipherSuite},${dash(noGrease(hello.extensions.map((e) => e.type)))}`;
  return { ja3s: md5Hex(full), ja3s_full: full };
}
