// The tls_certs entries of a conversation: JA4X and names of each certificate of its Certificate
// messages, for the capture engine's cleartext handshakes and the HTTP plugin's decrypted ones.
// JA4+ methods by FoxIO (JA4X), licensed under the FoxIO License 1.1 (non-commercial use only);
// see ../fingerprint/ja4plus/LICENSE-NOTICE.md and LICENSE.
import type { Problem } from '../dissect/field.js';
import { computeJa4x } from '../fingerprint/ja4plus/ja4x.js';
import type { HandshakeMessage } from '../tls/model.js';
import { foxioNameKeys } from '../x509/names.js';
import type { X509Record } from './connection.js';

/** A certificate's record: JA4X (and its raw form), the names as text and as the FoxIO tool's keys. Throws on one it cannot read. */
export function x509RecordOf(der: Uint8Array): X509Record {
  const x = computeJa4x(der);
  return { ja4x: x.ja4x, ...(x.ja4x_r ? { ja4x_r: x.ja4x_r } : {}), issuer: x.issuer, subject: x.subject, ...foxioNameKeys(x.certificate) };
}

/**
 * Whether `der` holds the whole DER SEQUENCE it starts (a certificate cut by the capture does
 * not); anything else is left to the certificate reader to refuse.
 */
function wholeDer(der: Uint8Array): boolean {
  if (der.length === 0 || der[0] !== 0x30) return der.length > 0;
  if (der.length < 2) return false;
  const b = der[1]!;
  if (b < 0x80) return 2 + b <= der.length;
  const n = b & 0x7f;
  // (An indefinite or over-long length is not DER: the certificate reader says so.)
  if (n === 0 || n > 4) return true;
  if (der.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return 2 + n + len <= der.length;
}

export interface CertificateOptions {
  /** The record of a certificate (a memo in the capture engine). */
  read?: (der: Uint8Array) => X509Record;
  /** Certificate messages of the TLS 1.3 form are skipped (in cleartext handshakes they cannot occur). */
  skipTls13?: boolean;
  /** Keep each certificate's DER bytes in its record. */
  keepBytes?: boolean;
  /** A problem for a certificate the reader refused (none when absent). */
  unreadable?: (e: unknown) => Problem;
}

/**
 * Appends a tls_certs entry per Certificate message of `messages` to `tls_certs`. A certificate
 * the capture cut off gives no JA4X (its hashes would be of what part of it was captured): a
 * `certificate_cut` problem says so.
 */
export function pushCertificates(tls_certs: { x509: X509Record[] }[], problems: Problem[], messages: readonly HandshakeMessage[], side: 'client' | 'server', o: CertificateOptions = {}): void {
  const read = o.read ?? x509RecordOf;
  for (const msg of messages) {
    if (msg.kind !== 'certificate' || (o.skipTls13 && msg.tls13)) continue;
    const x509: X509Record[] = [];
    let cut = 0;
    for (const cert of msg.certificates) {
      if (!wholeDer(cert.der)) { cut++; continue; }
      try {
        const x = read(cert.der);
        x509.push(o.keepBytes ? { ...x, der: cert.der.slice() } : { ...x });
      } catch (e) {
        if (o.unreadable) problems.push(o.unreadable(e));
      }
    }
    if (cut) problems.push({ severity: 'warning', code: 'certificate_cut', message: `${side}: ${cut === 1 ? 'a certificate is' : `${cut} certificates are`} cut off in the capture (no JA4X)` });
    if (x509.length) tls_certs.push({ x509 });
  }
}
