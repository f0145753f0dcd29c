// Diff of two connections (or pasted fingerprints): the TLS verdict when both sides have a
// ClientHello, the JA4H verdict when both have an HTTP request.
import type { ConnectionDiff, DiffSide } from '../api.js';
import { diffFingerprints, diffJa4h } from './diff.js';

export function diffSides(a: DiffSide, b: DiffSide): ConnectionDiff {
  return {
    a, b,
    tls: a.tls && b.tls ? diffFingerprints(a.tls, b.tls) : null,
    http: a.http && b.http ? diffJa4h(a.http, b.http) : null,
  };
}
