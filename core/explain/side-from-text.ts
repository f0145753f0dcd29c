// What a user types or pastes as one side of a diff: a JA4, a raw JA4 (_r or _ro), a JA3
// string, or a JA4H (hashed, or raw in its _r/_ro form). Shared by `helloscope diff` and the
// desktop diff view.
import { hash12, md5Hex } from '../fingerprint/hash.js';
import { ja4CInput, ja4CRaw } from '../fingerprint/ja4.js';
import type { FingerprintSide, Ja4hSide } from './diff.js';

const JA4 = /^[tqd][0-9a-z]{2}[di]\d{4}[0-9a-z]{2}_[0-9a-f]{12}_[0-9a-f]{12}$/;
const JA4_RAW = /^[tqd][0-9a-z]{2}[di]\d{4}[0-9a-z]{2}_[0-9a-f,]*_[0-9a-f,]*(_[0-9a-f,]*)?$/;
const JA3_FULL = /^\d+,[\d-]*,[\d-]*,[\d-]*,[\d-]*$/;
export const JA4H_RE = /^[a-z0-9-]{2}\d{2}[cn][rn]\d{2}[a-z0-9]{4}_[0-9a-f]{12}_[0-9a-f]{12}_[0-9a-f]{12}$/;
const JA4H_A = /^[a-z0-9-]{2}\d{2}[cn][rn]\d{2}[a-z0-9]{4}_/;

/** A TLS side from text, or undefined when the text is none of the TLS forms. */
export function tlsSideFromText(text: string, name = text): FingerprintSide | undefined {
  const t = text.trim();
  if (JA4.test(t)) return { name, ja4: t };
  if (JA4_RAW.test(t)) return fromRawJa4(t, name);
  if (JA3_FULL.test(t)) return { name, ja3: md5Hex(t), ja3_full: t };
  return undefined;
}

/** A JA4H side from text: the hashed form, or a raw form (which also gives the lists). */
export function ja4hSideFromText(text: string, name = text): Ja4hSide | undefined {
  const t = text.trim();
  if (JA4H_RE.test(t)) return { name, ja4h: t };
  if (JA4H_A.test(t) && !JA4H_RE.test(t)) return { name, ja4h: t, ja4h_ro: t };
  return undefined;
}

/**
 * A raw JA4 with the forms it determines: the JA4 itself, and `_r` from `_ro`. The two raw forms
 * look alike: `_r` sorts the cipher suites and extensions and leaves SNI (0000) and ALPN (0010)
 * out, so a list out of order or holding either extension can only be `_ro` (the signature
 * algorithms are in wire order in both). A sorted `_ro` without SNI and ALPN is its own `_r`.
 */
function fromRawJa4(t: string, name: string): FingerprintSide {
  const [a = '', c = '', e = '', s = ''] = t.split('_');
  const list = (x: string): string[] => x.split(',').filter(Boolean);
  const ciphers = list(c), exts = list(e), sigs = list(s);
  const unsorted = (l: string[]): boolean => l.some((x, i) => i > 0 && x < l[i - 1]!);
  const original = unsorted(ciphers) || unsorted(exts) || exts.includes('0000') || exts.includes('0010');
  // 4-digit lowercase hex sorts as its value does.
  const sc = [...ciphers].sort(), se = exts.filter((x) => x !== '0000' && x !== '0010').sort();
  const ja4 = `${a}_${hash12(sc.join(','))}_${hash12(ja4CInput(se, sigs))}`;
  return original ? { name, ja4, ja4_r: `${a}_${sc.join(',')}_${ja4CRaw(se, sigs)}`, ja4_ro: t } : { name, ja4, ja4_r: t };
}
