// What a user types or pastes as one side of a diff: a JA4, a raw JA4 (_r or _ro), a JA3
// string, or a JA4H (hashed, or raw in its _r/_ro form). Shared by `helloscope diff` and the
// desktop diff view.
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
  if (JA4_RAW.test(t)) {
    // _r and _ro look alike; lists that are not sorted can only be the original order (_ro).
    const lists = t.split('_').slice(1).map((l) => l.split(',').filter(Boolean));
    const unsorted = lists.some((l) => l.some((x, i) => i > 0 && x < l[i - 1]!));
    return unsorted ? { name, ja4_ro: t } : { name, ja4_r: t };
  }
  if (JA3_FULL.test(t)) return { name, ja3_full: t };
  return undefined;
}

/** A JA4H side from text: the hashed form, or a raw form (which also gives the lists). */
export function ja4hSideFromText(text: string, name = text): Ja4hSide | undefined {
  const t = text.trim();
  if (JA4H_RE.test(t)) return { name, ja4h: t };
  if (JA4H_A.test(t) && !JA4H_RE.test(t)) return { name, ja4h: t, ja4h_ro: t };
  return undefined;
}
