// X.501 Names (RFC 5280 section 4.1.2.4): RDN attributes with their types, values and byte ranges.
import { hex8 } from '../bytes/hex.js';
import { content, TAG, oidToString, type DerNode } from './der.js';

export interface NameAttribute {
  /** Dotted OID and the hex of its DER content bytes (what JA4X hashes). */
  oid: string;
  oidHex: string;
  /** OpenSSL-style short name (`CN`, `O`, `C`...) or the dotted OID. */
  shortName: string;
  /** Long name (`commonName`...) or the dotted OID. */
  longName: string;
  value: string;
  /** Range of the AttributeTypeAndValue in the certificate. */
  start: number;
  length: number;
}

const NAMES: Record<string, [string, string]> = {
  '2.5.4.3': ['CN', 'commonName'], '2.5.4.4': ['SN', 'surname'], '2.5.4.5': ['serialNumber', 'serialNumber'], '2.5.4.6': ['C', 'countryName'],
  '2.5.4.7': ['L', 'localityName'], '2.5.4.8': ['ST', 'stateOrProvinceName'], '2.5.4.9': ['street', 'streetAddress'], '2.5.4.10': ['O', 'organizationName'],
  '2.5.4.11': ['OU', 'organizationalUnitName'], '2.5.4.12': ['title', 'title'], '2.5.4.15': ['businessCategory', 'businessCategory'],
  '2.5.4.17': ['postalCode', 'postalCode'], '2.5.4.42': ['GN', 'givenName'], '2.5.4.43': ['initials', 'initials'], '2.5.4.46': ['dnQualifier', 'dnQualifier'],
  '2.5.4.65': ['pseudonym', 'pseudonym'], '2.5.4.97': ['organizationIdentifier', 'organizationIdentifier'],
  '1.2.840.113549.1.9.1': ['emailAddress', 'emailAddress'], '0.9.2342.19200300.100.1.25': ['DC', 'domainComponent'], '0.9.2342.19200300.100.1.1': ['UID', 'userId'],
  '1.3.6.1.4.1.311.60.2.1.1': ['jurisdictionL', 'jurisdictionLocalityName'], '1.3.6.1.4.1.311.60.2.1.2': ['jurisdictionST', 'jurisdictionStateOrProvinceName'],
  '1.3.6.1.4.1.311.60.2.1.3': ['jurisdictionC', 'jurisdictionCountryName'],
};

export const attributeNames = (oid: string): [string, string] => NAMES[oid] ?? [oid, oid];

/**
 * The attribute names the FoxIO `ja4` tool writes its certificate keys from (`issuer` or `subject`
 * + the name capitalised: `issuerOrganizationalUnit`, `subjectMsJurisdictionCountry`): those of
 * the OID registry its X.509 parser uses, which differ from OpenSSL's long names for a few
 * attributes. Attributes it has no name for keep the long name above.
 */
const REGISTRY_NAMES: Record<string, string> = {
  '2.5.4.11': 'organizationalUnit', '2.5.4.13': 'description', '2.5.4.16': 'postalAddress', '2.5.4.41': 'name',
  '2.5.4.44': 'generationQualifier', '2.5.4.45': 'uniqueIdentifier',
  '1.3.6.1.4.1.311.60.2.1.1': 'msJurisdictionLocality', '1.3.6.1.4.1.311.60.2.1.2': 'msJurisdictionStateOrProvince',
  '1.3.6.1.4.1.311.60.2.1.3': 'msJurisdictionCountry',
};

/** Attributes that registry leaves out, so the tool has no key for them (emailAddress: FoxIO's own snapshots); `issuer`/`subject` keep them. */
const NO_REGISTRY_NAME = new Set(['1.2.840.113549.1.9.1']);

/** An attribute's name as the FoxIO `ja4` tool's keys use it, or undefined when it has none. */
export const registryName = (oid: string): string | undefined => (NO_REGISTRY_NAME.has(oid) ? undefined : REGISTRY_NAMES[oid] ?? NAMES[oid]?.[1]);

/** Decodes a directory string value; unknown types are shown as hex. */
export function decodeDirectoryString(b: Uint8Array, n: DerNode): string {
  const c = content(b, n);
  if (n.cls !== 0) return Array.from(c, hex8).join('');
  switch (n.tag) {
    case TAG.UTF8:
      return new TextDecoder('utf-8', { fatal: false }).decode(c);
    case TAG.PRINTABLE: case TAG.IA5: case TAG.T61: case 18: case 21: case 25: case 26: case 27:
      return String.fromCharCode(...c);
    case TAG.BMP: {
      let s = '';
      for (let i = 0; i + 1 < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case TAG.UNIVERSAL: {
      let s = '';
      for (let i = 0; i + 3 < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        // Values that are not Unicode scalar values (beyond U+10FFFF, surrogates) show as U+FFFD.
        s += cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return Array.from(c, hex8).join('');
  }
}

/** The attributes of a Name (SEQUENCE OF SET OF AttributeTypeAndValue), flattened in order. */
export function readName(b: Uint8Array, name: DerNode): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of name.children ?? []) {
    for (const atv of rdn.children ?? []) {
      const [type, value] = atv.children ?? [];
      if (!type || type.tag !== TAG.OID || type.cls !== 0) continue;
      const oidBytes = content(b, type);
      const oid = oidToString(oidBytes);
      const [shortName, longName] = attributeNames(oid);
      out.push({ oid, oidHex: Array.from(oidBytes, hex8).join(''), shortName, longName, value: value ? decodeDirectoryString(b, value) : '', start: atv.start, length: atv.headerLength + atv.length });
    }
  }
  return out;
}

/** One-line form as OpenSSL prints it by default (`C = US, O = Example, CN = example.com`). */
export const formatName = (attrs: readonly NameAttribute[]): string => attrs.map((a) => `${a.shortName} = ${a.value}`).join(', ');

/** The FoxIO `ja4` tool's name keys (issuerCommonName, subjectOrganizationName...). */
export function foxioNameKeys(cert: { issuer: { oid: string; value: string }[]; subject: { oid: string; value: string }[] }): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (prefix: string, attrs: { oid: string; value: string }[]): void => {
    for (const a of attrs) {
      const name = registryName(a.oid);
      if (name === undefined) continue;
      const k = prefix + name[0]!.toUpperCase() + name.slice(1);
      out[k] = out[k] ? `${out[k]}, ${a.value}` : a.value;
    }
  };
  add('issuer', cert.issuer);
  add('subject', cert.subject);
  return out;
}
