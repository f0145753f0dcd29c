// X.509 certificates (RFC 5280 section 4.1): the parts JA4X and the certificate view need, each
// with its byte range in the DER.
import { hex8 } from '../bytes/hex.js';
import type { Problem } from '../dissect/field.js';
import { content, nodeEnd, oidToString, parseDer, TAG, type DerNode } from './der.js';
import { formatName, readName, type NameAttribute } from './names.js';

export interface CertificateExtension {
  oid: string;
  oidHex: string;
  critical: boolean;
  start: number;
  length: number;
}

export interface Certificate {
  /** 1, 2 or 3 (the DER stores version - 1). */
  version: number;
  serialNumber: string;
  signatureAlgorithm: string;
  issuer: NameAttribute[];
  subject: NameAttribute[];
  notBefore?: string;
  notAfter?: string;
  extensions: CertificateExtension[];
  /** Ranges of the main parts, for the hex view. */
  ranges: { tbs?: [number, number]; issuer?: [number, number]; subject?: [number, number]; extensions?: [number, number] };
  problems: Problem[];
}

const range = (n: DerNode): [number, number] => [n.start, nodeEnd(n) - n.start];

function decodeTime(b: Uint8Array, n: DerNode | undefined): string | undefined {
  if (!n || n.cls !== 0 || (n.tag !== TAG.UTC_TIME && n.tag !== TAG.GENERALIZED_TIME)) return undefined;
  const s = String.fromCharCode(...content(b, n));
  const full = n.tag === TAG.UTC_TIME ? `${Number(s.slice(0, 2)) >= 50 ? '19' : '20'}${s}` : s;
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?/.exec(full);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z` : s;
}

/** Parses a DER certificate; what cannot be read is reported in `problems`. */
export function parseCertificate(der: Uint8Array, source = 'certificate'): Certificate {
  const { nodes, problems } = parseDer(der, source);
  const cert: Certificate = { version: 1, serialNumber: '', signatureAlgorithm: '', issuer: [], subject: [], extensions: [], ranges: {}, problems };
  const top = nodes[0];
  const tbs = top?.children?.[0];
  if (!top || top.tag !== TAG.SEQUENCE || !tbs || tbs.tag !== TAG.SEQUENCE || !tbs.children) {
    problems.push({ severity: 'error', code: 'x509_structure', message: 'not an X.509 certificate: no TBSCertificate SEQUENCE at offset 0', source, offset: 0 });
    return cert;
  }
  cert.ranges.tbs = range(tbs);
  const f = tbs.children;
  let i = 0;
  if (f[0]?.cls === 2 && f[0].tag === 0) {
    const v = f[0].children?.[0];
    if (v && v.tag === TAG.INTEGER) cert.version = (content(der, v)[0] ?? 0) + 1;
    i++;
  }
  const serial = f[i++], sigAlg = f[i++], issuer = f[i++], validity = f[i++], subject = f[i++];
  if (serial) cert.serialNumber = Array.from(content(der, serial), hex8).join(':');
  const algOid = sigAlg?.children?.[0];
  if (algOid && algOid.tag === TAG.OID) cert.signatureAlgorithm = oidToString(content(der, algOid));
  if (issuer?.tag === TAG.SEQUENCE) {
    cert.issuer = readName(der, issuer);
    cert.ranges.issuer = range(issuer);
  }
  cert.notBefore = decodeTime(der, validity?.children?.[0]);
  cert.notAfter = decodeTime(der, validity?.children?.[1]);
  if (subject?.tag === TAG.SEQUENCE) {
    cert.subject = readName(der, subject);
    cert.ranges.subject = range(subject);
  }
  if (!subject) problems.push({ severity: 'error', code: 'x509_structure', message: `TBSCertificate ends before the subject at offset ${tbs.start}`, source, offset: tbs.start });
  for (const n of f.slice(i)) {
    if (n.cls !== 2 || n.tag !== 3) continue;
    const list = n.children?.[0];
    if (!list) continue;
    cert.ranges.extensions = range(list);
    for (const ext of list.children ?? []) {
      const [id, second] = ext.children ?? [];
      if (!id || id.tag !== TAG.OID) continue;
      const oidBytes = content(der, id);
      const critical = second?.tag === TAG.BOOLEAN && (content(der, second)[0] ?? 0) !== 0;
      cert.extensions.push({ oid: oidToString(oidBytes), oidHex: Array.from(oidBytes, hex8).join(''), critical, start: ext.start, length: nodeEnd(ext) - ext.start });
    }
  }
  return cert;
}

export { formatName };
