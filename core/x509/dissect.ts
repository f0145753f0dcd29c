// Field tree of a DER certificate for the certificate view: every element with its byte range,
// labelled by its place in the X.509 structure (RFC 5280 section 4.1) where known.
import { hex8, toHex } from '../bytes/hex.js';
import type { DataSource, Field, Problem } from '../dissect/field.js';
import { content, oidToString, parseDer, TAG, type DerNode } from './der.js';
import { attributeNames, decodeDirectoryString } from './names.js';

const EXTENSIONS: Record<string, string> = {
  '2.5.29.14': 'subjectKeyIdentifier', '2.5.29.15': 'keyUsage', '2.5.29.17': 'subjectAltName', '2.5.29.18': 'issuerAltName', '2.5.29.19': 'basicConstraints',
  '2.5.29.30': 'nameConstraints', '2.5.29.31': 'cRLDistributionPoints', '2.5.29.32': 'certificatePolicies', '2.5.29.35': 'authorityKeyIdentifier', '2.5.29.37': 'extKeyUsage',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess', '1.3.6.1.4.1.11129.2.4.2': 'signedCertificateTimestampList', '1.3.6.1.5.5.7.1.24': 'tlsFeature',
};
const ALGS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption', '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption', '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption', '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption', '1.2.840.10045.2.1': 'id-ecPublicKey', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256', '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.3.1.7': 'prime256v1', '1.3.132.0.34': 'secp384r1', '1.3.101.112': 'Ed25519', '1.2.840.113549.1.1.10': 'RSASSA-PSS',
};

export const oidName = (oid: string): string => EXTENSIONS[oid] ?? ALGS[oid] ?? (attributeNames(oid)[1] !== oid ? attributeNames(oid)[1] : oid);

const UNIVERSAL: Record<number, string> = { 1: 'BOOLEAN', 2: 'INTEGER', 3: 'BIT STRING', 4: 'OCTET STRING', 5: 'NULL', 6: 'OBJECT IDENTIFIER', 12: 'UTF8String', 16: 'SEQUENCE', 17: 'SET', 19: 'PrintableString', 20: 'T61String', 22: 'IA5String', 23: 'UTCTime', 24: 'GeneralizedTime', 30: 'BMPString' };

const TBS_LABELS = ['version', 'serialNumber', 'signature', 'issuer', 'validity', 'subject', 'subjectPublicKeyInfo'];

function valueOf(b: Uint8Array, n: DerNode): { value?: string | number; display: string } {
  const c = content(b, n);
  if (n.cls !== 0) return { display: n.constructed ? '' : c.length > 48 ? `${toHex(c).slice(0, 96)}…` : toHex(c) };
  switch (n.tag) {
    case TAG.OID: {
      const oid = oidToString(c);
      return { value: oid, display: `${oid} (${oidName(oid)})` };
    }
    case TAG.BOOLEAN: return { value: c[0] ? 'true' : 'false', display: c[0] ? 'TRUE' : 'FALSE' };
    case TAG.INTEGER: return c.length <= 6 ? { value: c.reduce((a, x) => a * 256 + x, 0), display: String(c.reduce((a, x) => a * 256 + x, 0)) } : { value: toHex(c), display: Array.from(c, hex8).join(':') };
    case TAG.UTF8: case TAG.PRINTABLE: case TAG.IA5: case TAG.T61: case TAG.BMP: case TAG.UNIVERSAL: case TAG.UTC_TIME: case TAG.GENERALIZED_TIME: {
      const s = decodeDirectoryString(b, n.tag === TAG.UTC_TIME || n.tag === TAG.GENERALIZED_TIME ? { ...n, tag: TAG.PRINTABLE } : n);
      return { value: s, display: JSON.stringify(s) };
    }
    case TAG.NULL: return { display: 'NULL' };
    default: return { value: toHex(c), display: c.length > 48 ? `${c.length} bytes` : toHex(c) };
  }
}

function toField(b: Uint8Array, n: DerNode, source: string, label: string, key: string, problems: Problem[]): Field {
  const type = n.cls === 0 ? (UNIVERSAL[n.tag] ?? `[UNIVERSAL ${n.tag}]`) : `[${n.tag}]`;
  const v = n.constructed ? { display: `${type}, ${n.length} bytes` } : valueOf(b, n);
  const f: Field = { key, label: label || type, source, start: n.start, length: n.headerLength + n.length, display: v.display, ...(v.value !== undefined ? { value: v.value } : {}) };
  if (n.children?.length) f.children = n.children.map((c, i) => toField(b, c, source, '', `${key}.${i}`, problems));
  return f;
}

/** The certificate as a field tree (keys `x509.*`), its data source and any DER problems. */
export function dissectCertificate(der: Uint8Array, source = 'certificate'): { fields: Field[]; sources: DataSource[]; problems: Problem[] } {
  const { nodes, problems } = parseDer(der, source);
  const sources: DataSource[] = [{ id: source, label: 'Certificate (DER)', bytes: der }];
  const fields = nodes.map((n, i) => toField(der, n, source, i === 0 ? 'Certificate' : 'Trailing data', i === 0 ? 'x509' : 'x509.trailing', problems));
  // Name the well-known parts of the first certificate.
  const cert = fields[0];
  const tbs = cert?.children?.[0];
  if (cert && tbs) {
    tbs.key = 'x509.tbs';
    tbs.label = 'TBSCertificate';
    const kids = tbs.children ?? [];
    let i = 0;
    if (nodes[0]!.children![0]!.children?.[0]?.cls === 2) (kids[i++]!).label = 'version';
    for (const name of TBS_LABELS.slice(1)) {
      const k = kids[i++];
      if (!k) break;
      k.label = name;
      k.key = `x509.${name}`;
    }
    for (const k of kids.slice(i)) if (k.label === '[3]') { k.label = 'extensions'; k.key = 'x509.extensions'; }
    if (cert.children![1]) { cert.children![1].label = 'signatureAlgorithm'; cert.children![1].key = 'x509.signatureAlgorithm'; }
    if (cert.children![2]) { cert.children![2].label = 'signatureValue'; cert.children![2].key = 'x509.signatureValue'; }
  }
  return { fields, sources, problems };
}
