// JA4: TLS client fingerprint.
// JA4 is licensed by FoxIO under the BSD 3-Clause licence (see LICENSE, section "JA4").
// Implemented by Helloscope from the JA4 specification (technical_details/JA4.md); no FoxIO code is used.
import { hex16 } from '../bytes/hex.js';
import { isGrease } from '../tls/grease.js';
import type { ClientHello } from '../tls/model.js';
import { hash12 } from './hash.js';

/** The transport the hello travelled over: JA4's first character. */
export type Ja4Transport = 'tcp' | 'quic' | 'dtls';

export interface Ja4Options {
  /** Defaults to `dtls` for DTLS-framed hellos, `quic` when quic_transport_parameters (57) is present, else `tcp`. */
  transport?: Ja4Transport;
}

/** Everything JA4 is made of, for breakdowns and diffs. */
export interface Ja4Parts {
  transport: Ja4Transport;
  protocol: 't' | 'q' | 'd';
  /** The version code (`13`, `12`, `d2`, `00`...) and the value it came from. */
  version: string;
  versionValue: number;
  versionSource: 'supported_versions' | 'legacy_version';
  sni: 'd' | 'i';
  cipherCount: number;
  extensionCount: number;
  alpn: string;
  /** The first ALPN value (latin-1) and which rule produced `alpn`. */
  alpnValue: string | null;
  alpnRule: 'none' | 'alphanumeric' | 'hex';
  /** GREASE removed, wire order. */
  ciphers: string[];
  /** GREASE removed, wire order (SNI and ALPN included). */
  extensions: string[];
  /** Sorted ciphers (the `b` input). */
  sortedCiphers: string[];
  /** Sorted extensions without SNI (0000) and ALPN (0010) (the `c` input). */
  sortedExtensions: string[];
  /** signature_algorithms (0x000d) only, wire order, GREASE removed. */
  signatureAlgorithms: string[];
  /** Values left out and why. */
  removed: { value: string; list: 'cipher' | 'extension' | 'signature_algorithm'; reason: 'GREASE' | 'SNI' | 'ALPN' }[];
}

export interface Ja4Result {
  ja4: string;
  ja4_r: string;
  ja4_o: string;
  ja4_ro: string;
  parts: Ja4Parts;
}

const VERSION_CODES: Record<number, string> = {
  0x0304: '13', 0x0303: '12', 0x0302: '11', 0x0301: '10', 0x0300: 's3', 0x0002: 's2',
  0xfeff: 'd1', 0xfefd: 'd2', 0xfefc: 'd3',
};

export const ja4VersionCode = (v: number): string => VERSION_CODES[v] ?? '00';

const isDtlsVersion = (v: number): boolean => v >> 8 === 0xfe;

/**
 * The highest version offered. TLS versions grow numerically; DTLS versions count down
 * (0xfeff is 1.0, 0xfefc is 1.3), so among DTLS values the lowest number is the highest version.
 */
export function highestVersion(versions: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const v of versions) {
    if (isGrease(v)) continue;
    if (best === undefined) best = v;
    else if (isDtlsVersion(v) && isDtlsVersion(best)) best = Math.min(best, v);
    else if (!isDtlsVersion(v) && !isDtlsVersion(best)) best = Math.max(best, v);
    else if (isDtlsVersion(v)) best = v;
  }
  return best;
}

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** JA4's two ALPN characters: first and last of the first protocol, or of its hex when either byte is not alphanumeric. */
export function ja4Alpn(first: Uint8Array | undefined): { code: string; rule: Ja4Parts['alpnRule'] } {
  if (!first || first.length === 0) return { code: '00', rule: 'none' };
  const a = first[0]!, z = first[first.length - 1]!;
  if (isAlnum(a) && isAlnum(z)) return { code: String.fromCharCode(a) + String.fromCharCode(z), rule: 'alphanumeric' };
  const hexA = a.toString(16).padStart(2, '0'), hexZ = z.toString(16).padStart(2, '0');
  return { code: hexA[0]! + hexZ[1]!, rule: 'hex' };
}

/** The values sorted numerically, as 4-digit hex (sorts `values` in place). */
function sortedHex(values: Uint16Array): string[] {
  values.sort();
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = hex16(values[i]!);
  return out;
}

const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');

export function ja4Parts(hello: ClientHello, opts: Ja4Options = {}): Ja4Parts {
  const removed: Ja4Parts['removed'] = [];
  const ciphers: string[] = [];
  // The sorted lists are sorted as numbers (a native typed-array sort): 4-digit lowercase hex
  // sorts the same as its value, and this is several times cheaper than sorting the strings.
  const cipherValues = new Uint16Array(hello.cipherSuites.length);
  let nc = 0;
  for (const c of hello.cipherSuites) {
    if (isGrease(c)) removed.push({ value: hex16(c), list: 'cipher', reason: 'GREASE' });
    else { ciphers.push(hex16(c)); cipherValues[nc++] = c; }
  }
  const extensions: string[] = [];
  const extValues = new Uint16Array(hello.extensions.length);
  let ne = 0;
  for (const e of hello.extensions) {
    const h = hex16(e.type);
    if (isGrease(e.type)) { removed.push({ value: h, list: 'extension', reason: 'GREASE' }); continue; }
    extensions.push(h);
    if (e.type === 0x0000) removed.push({ value: h, list: 'extension', reason: 'SNI' });
    else if (e.type === 0x0010) removed.push({ value: h, list: 'extension', reason: 'ALPN' });
    else extValues[ne++] = e.type;
  }
  const sortedExtensions = sortedHex(extValues.subarray(0, ne));
  const signatureAlgorithms: string[] = [];
  for (const s of hello.signatureAlgorithms ?? []) {
    if (isGrease(s)) removed.push({ value: hex16(s), list: 'signature_algorithm', reason: 'GREASE' });
    else signatureAlgorithms.push(hex16(s));
  }
  const sv = hello.supportedVersions ? highestVersion(hello.supportedVersions) : undefined;
  const versionValue = sv ?? hello.legacyVersion;
  const transport: Ja4Transport = opts.transport ?? (hello.dtls ? 'dtls' : hello.extensions.some((e) => e.type === 57) ? 'quic' : 'tcp');
  const firstAlpn = hello.alpn?.[0];
  const alpn = ja4Alpn(firstAlpn);
  return {
    transport,
    protocol: transport === 'quic' ? 'q' : transport === 'dtls' ? 'd' : 't',
    version: ja4VersionCode(versionValue),
    versionValue,
    versionSource: sv !== undefined ? 'supported_versions' : 'legacy_version',
    sni: hello.sniPresent ? 'd' : 'i',
    cipherCount: ciphers.length,
    extensionCount: extensions.length,
    alpn: alpn.code,
    alpnValue: firstAlpn ? String.fromCharCode(...firstAlpn) : null,
    alpnRule: alpn.rule,
    ciphers,
    extensions,
    sortedCiphers: sortedHex(cipherValues.subarray(0, nc)),
    sortedExtensions,
    signatureAlgorithms,
    removed,
  };
}

/** `a` of JA4: protocol, version, SNI flag, counts and ALPN (10 characters). */
export const ja4A = (p: Ja4Parts): string => `${p.protocol}${p.version}${p.sni}${two(p.cipherCount)}${two(p.extensionCount)}${p.alpn}`;

/** The `c` hash input: extensions, then `_` and signature algorithms when there are any; empty (hashes to 000000000000) without extensions. */
export const ja4CInput = (exts: readonly string[], sigalgs: readonly string[]): string =>
  exts.length === 0 ? '' : sigalgs.length ? `${exts.join(',')}_${sigalgs.join(',')}` : exts.join(',');

/** The `c` part of the raw forms: the same lists, kept even when the extension list is empty. */
export const ja4CRaw = (exts: readonly string[], sigalgs: readonly string[]): string =>
  sigalgs.length ? `${exts.join(',')}_${sigalgs.join(',')}` : exts.join(',');

export function computeJa4(hello: ClientHello, opts: Ja4Options = {}): Ja4Result {
  const p = ja4Parts(hello, opts);
  const sorted = ja4SortedForms(p);
  const orig = ja4OriginalForms(p);
  return { ja4: sorted.ja4, ja4_r: sorted.ja4_r, ja4_o: orig.ja4_o, ja4_ro: orig.ja4_ro, parts: p };
}

/** `a`, then the cipher list and the extension (+ signature algorithm) list: raw text, or hashed. */
function ja4Form(p: Ja4Parts, ciphers: readonly string[], exts: readonly string[], hashed: boolean): string {
  const b = ciphers.join(',');
  return hashed
    ? `${ja4A(p)}_${hash12(b)}_${hash12(ja4CInput(exts, p.signatureAlgorithms))}`
    : `${ja4A(p)}_${b}_${ja4CRaw(exts, p.signatureAlgorithms)}`;
}

/** `ja4` and `ja4_r` (sorted lists) from the parts. */
export function ja4SortedForms(p: Ja4Parts): { ja4: string; ja4_r: string } {
  return { ja4: ja4Form(p, p.sortedCiphers, p.sortedExtensions, true), ja4_r: ja4Form(p, p.sortedCiphers, p.sortedExtensions, false) };
}

/** `ja4_o` and `ja4_ro` (wire order) from the parts. */
export function ja4OriginalForms(p: Ja4Parts): { ja4_o: string; ja4_ro: string } {
  return { ja4_o: ja4Form(p, p.ciphers, p.extensions, true), ja4_ro: ja4RawOriginal(p) };
}

/** `ja4_ro` alone: no hashing. */
export function ja4RawOriginal(p: Ja4Parts): string {
  return ja4Form(p, p.ciphers, p.extensions, false);
}
