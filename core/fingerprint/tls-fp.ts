// The fingerprint of the "TLS Fingerprinting" API (seed document 001, N. Tschacher, 2022):
// seven ClientHello fields as decimal lists, hashed with SHA3-384. See docs/tls-fp.md.
import { isGrease } from '../tls/grease.js';
import { CIPHER_SUITES, EXTENSION_TYPES, SUPPORTED_GROUPS, statusOf, versionName, type RegistryTable } from '../tls/iana/registry.js';
import type { ClientHello } from '../tls/model.js';
import { sha3_384Hex } from './hash.js';

export interface TlsFp {
  ciphers: string;
  client_hello_version: string;
  ec_point_formats: string;
  extensions: string;
  record_version: string;
  signature_algorithms: string;
  supported_groups: string;
}

/** Only values the IANA registry lists as assigned: GREASE, Reserved, Unassigned and private-use code points are left out. */
const assigned = (table: RegistryTable, xs: readonly number[]): number[] => xs.filter((x) => statusOf(table, x) === 'a');

export function computeTlsFp(hello: ClientHello): { tls_fp: TlsFp; sha3_384: string } {
  const tls_fp: TlsFp = {
    ciphers: assigned(CIPHER_SUITES, hello.cipherSuites).join(','),
    client_hello_version: versionName(hello.legacyVersion),
    ec_point_formats: (hello.ecPointFormats ?? []).join(','),
    extensions: assigned(EXTENSION_TYPES, hello.extensions.map((e) => e.type)).join(','),
    record_version: hello.recordVersion === undefined ? 'none' : versionName(hello.recordVersion),
    signature_algorithms: (hello.signatureAlgorithms ?? []).filter((s) => !isGrease(s)).join(','),
    supported_groups: assigned(SUPPORTED_GROUPS, hello.supportedGroups ?? []).join(','),
  };
  // The hash input is the compact JSON of tls_fp with its keys in the order above (alphabetical).
  return { tls_fp, sha3_384: sha3_384Hex(JSON.stringify(tls_fp)) };
}
