import { hexLabel } from '../../bytes/hex.js';
import { isGrease } from '../grease.js';
import {
  ALPN_PROTOCOL_IDS, CIPHER_SUITES, EXTENSION_TYPES, HANDSHAKE_TYPES, SIGNATURE_SCHEMES, SUPPORTED_GROUPS,
} from './registry-data.js';

/** a = assigned, r = reserved, u = unassigned, p = private use, g = GREASE, x = well known but not registered. */
export type RegistryStatus = 'a' | 'r' | 'u' | 'p' | 'g' | 'x';

export interface RegistryTable {
  entries: [number, string, RegistryStatus][];
  ranges: [number, number, RegistryStatus, string][];
}

export interface RegistryLookup {
  name: string | undefined;
  status: RegistryStatus;
}

const maps = new WeakMap<RegistryTable, Map<number, [number, string, RegistryStatus]>>();

function entryMap(table: RegistryTable): Map<number, [number, string, RegistryStatus]> {
  let m = maps.get(table);
  if (!m) {
    m = new Map(table.entries.map((e) => [e[0], e]));
    maps.set(table, m);
  }
  return m;
}

export function lookup(table: RegistryTable, value: number): RegistryLookup {
  const e = entryMap(table).get(value);
  if (e) return { name: e[2] === 'a' || e[2] === 'x' ? e[1] : undefined, status: e[2] };
  return { name: undefined, status: statusOf(table, value) };
}

/** The status alone (what `lookup(table, value).status` says), without building a result object: for hot paths. */
export function statusOf(table: RegistryTable, value: number): RegistryStatus {
  const e = entryMap(table).get(value);
  if (e) return e[2];
  for (const r of table.ranges) if (value >= r[0] && value <= r[1]) return r[2];
  return 'u';
}

const STATUS_TEXT: Record<RegistryStatus, string> = {
  a: '', x: '', g: 'GREASE', r: 'Reserved', u: 'Unassigned', p: 'Private use',
};

/** `TLS_AES_128_GCM_SHA256 (0x1301)`, `GREASE (0x0a0a)`, `Unassigned (0x1234)`. */
export function describe(table: RegistryTable, value: number, digits = 4): string {
  const { name, status } = lookup(table, value);
  if (isGrease(value) && digits === 4) return `Reserved (GREASE) (${hexLabel(value)})`;
  return `${name ?? STATUS_TEXT[status]} (${hexLabel(value, digits)})`;
}

export const cipherSuiteName = (v: number): string => describe(CIPHER_SUITES, v);
export const extensionName = (v: number): string => describe(EXTENSION_TYPES, v);
export const groupName = (v: number): string => describe(SUPPORTED_GROUPS, v);
export const signatureSchemeName = (v: number): string => describe(SIGNATURE_SCHEMES, v);
export const handshakeTypeName = (v: number): string => describe(HANDSHAKE_TYPES, v, 2);

/** Short name without the code, or undefined when unregistered. */
export const extensionShortName = (v: number): string | undefined => lookup(EXTENSION_TYPES, v).name;
export const cipherSuiteShortName = (v: number): string | undefined => lookup(CIPHER_SUITES, v).name;
export const groupShortName = (v: number): string | undefined => lookup(SUPPORTED_GROUPS, v).name;
export const signatureSchemeShortName = (v: number): string | undefined => lookup(SIGNATURE_SCHEMES, v).name;

const ALPN_SET = new Set(ALPN_PROTOCOL_IDS);
export const isRegisteredAlpn = (id: string): boolean => ALPN_SET.has(id);

/** TLS/SSL/DTLS protocol version names. */
export function versionName(v: number): string {
  switch (v) {
    case 0x0002: return 'SSL 2.0';
    case 0x0300: return 'SSL 3.0';
    case 0x0301: return 'TLS 1.0';
    case 0x0302: return 'TLS 1.1';
    case 0x0303: return 'TLS 1.2';
    case 0x0304: return 'TLS 1.3';
    case 0xfeff: return 'DTLS 1.0';
    case 0xfefd: return 'DTLS 1.2';
    case 0xfefc: return 'DTLS 1.3';
    case 0x0100: return 'DTLS 1.0 (OpenSSL pre-0.9.8f)';
  }
  if (isGrease(v)) return 'GREASE';
  if ((v >> 8) === 0x7f) return `TLS 1.3 draft ${v & 0xff}`;
  return 'Unknown';
}

export const versionDisplay = (v: number): string => `${versionName(v)} (${hexLabel(v)})`;

export { ALPN_PROTOCOL_IDS, CIPHER_SUITES, EXTENSION_TYPES, HANDSHAKE_TYPES, SIGNATURE_SCHEMES, SUPPORTED_GROUPS };
