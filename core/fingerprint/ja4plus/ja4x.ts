// JA4X: X.509 certificate fingerprint (how the certificate was built, not its values).
// JA4+ method by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
import type { X509Record } from '../../capture/connection.js';
import { parseCertificate, type Certificate } from '../../x509/certificate.js';
import { formatName } from '../../x509/names.js';
import { hash12 } from '../hash.js';

export interface Ja4xResult extends X509Record {
  ja4x: string;
  ja4x_r: string;
  certificate: Certificate;
}

/**
 * `h12(issuer attribute OIDs) _ h12(subject attribute OIDs) _ h12(extension OIDs)`: each OID as
 * the hex of its DER content bytes, in certificate order, comma-joined; an empty list is
 * `000000000000` (docs/ja4plus.md, "JA4X").
 */
export function computeJa4x(der: Uint8Array): Ja4xResult {
  const certificate = parseCertificate(der);
  const issuer = certificate.issuer.map((a) => a.oidHex).join(',');
  const subject = certificate.subject.map((a) => a.oidHex).join(',');
  const exts = certificate.extensions.map((e) => e.oidHex).join(',');
  return {
    ja4x: `${hash12(issuer)}_${hash12(subject)}_${hash12(exts)}`,
    ja4x_r: `${issuer}_${subject}_${exts}`,
    issuer: formatName(certificate.issuer),
    subject: formatName(certificate.subject),
    certificate,
  };
}
