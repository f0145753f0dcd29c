import type { FieldReader } from '../bytes/field-reader.js';
import type { CertificateMessage } from './model.js';

/**
 * Certificate message (RFC 5246 section 7.4.2; TLS 1.3 form RFC 8446 section 4.4.2 when
 * `tls13`). The DER of each certificate is kept for JA4X and the X.509 view.
 */
export function readCertificateBody(r: FieldReader, msg: CertificateMessage, tls13: boolean): void {
  msg.tls13 = tls13;
  if (tls13) {
    const ctx = r.vector(1, 'tls.handshake.certificate_request_context_length', 'Certificate Request Context Length', 'certificate_request_context');
    if (ctx.left) ctx.bytes('tls.handshake.certificate_request_context', 'Certificate Request Context', ctx.left);
    r.finish(ctx, 'certificate_request_context');
  }
  const list = r.vector(3, 'tls.handshake.certificates_length', 'Certificates Length', 'certificate_list');
  list.open('tls.handshake.certificates', 'Certificates');
  while (list.left > 0) {
    const cert = list.vector(3, 'tls.handshake.certificate_length', 'Certificate Length', 'certificate');
    const start = cert.pos;
    const der = cert.bytes('tls.handshake.certificate', 'Certificate', cert.left, (b) => `${b.length} bytes (DER)`);
    msg.certificates.push({ start, length: der.length, der });
    list.finish(cert, 'certificate');
    if (tls13) {
      const exts = list.vector(2, 'tls.handshake.certificate_extensions_length', 'Extensions Length', 'certificate extensions');
      if (exts.left) exts.bytes('tls.handshake.certificate_extensions', 'Extensions', exts.left);
      list.finish(exts, 'certificate extensions');
    }
  }
  list.close(`${msg.certificates.length} certificate${msg.certificates.length === 1 ? '' : 's'}`);
  r.finish(list, 'certificate_list');
}

/**
 * Whether a Certificate body is in the TLS 1.3 form, judged from its bytes when the negotiated
 * version is unknown: the 1.3 form starts with a 1-byte context length (0 from servers) followed
 * by a 3-byte list length that fits the body.
 */
export function looksLikeTls13Certificate(body: Uint8Array, start: number, length: number): boolean {
  if (length < 4) return false;
  const ctxLen = body[start]!;
  if (1 + ctxLen + 3 > length) return false;
  const p = start + 1 + ctxLen;
  const listLen = (body[p]! << 16) | (body[p + 1]! << 8) | body[p + 2]!;
  const asTls12 = (body[start]! << 16) | (body[start + 1]! << 8) | body[start + 2]!;
  return 1 + ctxLen + 3 + listLen === length && asTls12 + 3 !== length;
}
