// Breakdowns of JA4 (BSD 3-Clause method, see core/fingerprint/ja4.ts) and JA3 (Salesforce,
// BSD 3-Clause method; Helloscope's implementation, MIT): every character of JA4's `a`, the
// exact hash inputs of `b` and `c`, JA3's five fields, each pointing at its bytes.
// The values come from the compute functions themselves; this module only lays them out.
import { hex16 } from '../bytes/hex.js';
import { hash12, md5Hex } from '../fingerprint/hash.js';
import { computeJa3 } from '../fingerprint/ja3.js';
import { computeJa4, ja4A, ja4CInput, ja4CRaw, type Ja4Options, type Ja4Parts } from '../fingerprint/ja4.js';
import { isGrease } from '../tls/grease.js';
import { cipherSuiteName, extensionName, groupName, signatureSchemeName } from '../tls/iana/registry.js';
import type { ClientHello } from '../tls/model.js';
import { compactParts, spanAt, type BreakdownItem, type BreakdownPart, type ByteRef, type FingerprintBreakdown } from './breakdown-model.js';
import { ja4PrefixParts, GREASE_REASON } from './breakdown-ja4a.js';
import { cipherRefs, extensionTypeRef, groupRefs, legacyVersionRef, pointFormatRefs, signatureAlgorithmRefs } from './tls-refs.js';

export * from './breakdown-model.js';

export type Ja4Form = 'ja4' | 'ja4_r' | 'ja4_o' | 'ja4_ro';
export type Ja3Form = 'ja3' | 'ja3_full' | 'ja3n' | 'ja3n_full';

const SNI_REASON = 'server_name (0x0000) is left out of the sorted extension list: whether it was sent is already the SNI flag in a (the _o forms keep it)';
const ALPN_REASON = 'ALPN (0x0010) is left out of the sorted extension list: its first protocol is already the last two characters of a (the _o forms keep it)';

const ordinal = (i: number, n: number): string => `position ${i + 1} of ${n} on the wire`;

/** Items of one wire list: used ones in the order used (sorted or wire), then the removed ones in wire order. */
function listItems(values: readonly number[], refs: readonly ByteRef[], name: (v: number) => string, text: (v: number) => string,
  removal: (v: number) => string | undefined, sorted: boolean): { used: BreakdownItem[]; removed: BreakdownItem[] } {
  const used: BreakdownItem[] = [], removed: BreakdownItem[] = [];
  values.forEach((v, i) => {
    const item: BreakdownItem = { text: text(v), label: name(v), explanation: ordinal(i, values.length), refs: refs[i] ? [refs[i]!] : [] };
    const why = removal(v);
    if (why) removed.push({ ...item, removed: { reason: why } });
    else used.push(item);
  });
  // Array.prototype.sort is stable; equal 4-digit hex strings are equal values anyway.
  if (sorted) used.sort((x, y) => (x.text < y.text ? -1 : x.text > y.text ? 1 : 0));
  return { used, removed };
}

const greaseOnly = (v: number): string | undefined => (isGrease(v) ? GREASE_REASON : undefined);
const texts = (items: readonly BreakdownItem[]): string[] => items.map((i) => i.text);

/** JA4 of a ClientHello in one of its four forms, every part explained and linked to its bytes. */
export function breakdownJa4(hello: ClientHello, form: Ja4Form = 'ja4', opts: Ja4Options = {}): FingerprintBreakdown {
  const r = computeJa4(hello, opts);
  const p: Ja4Parts = r.parts;
  const value = r[form];
  const src = hello.source;
  const sorted = form === 'ja4' || form === 'ja4_r';
  const hashed = form === 'ja4' || form === 'ja4_o';
  const a = ja4A(p);
  const parts: BreakdownPart[] = ja4PrefixParts(hello, p, a, opts.transport !== undefined);

  const ciphers = listItems(hello.cipherSuites, cipherRefs(hello), cipherSuiteName, hex16, greaseOnly, sorted);
  const bInput = texts(ciphers.used).join(',');
  const bHash = hash12(bInput);
  const bValue = hashed ? bHash : bInput;
  const order = sorted ? 'sorted' : 'in wire order';
  parts.push({
    id: 'b', label: 'Cipher suites', value: bValue, span: hashed ? undefined : spanAt(a.length + 1, bValue),
    explanation: ciphers.used.length === 0
      ? 'No cipher suites (after removing GREASE): the hash part is 000000000000.'
      : `${ciphers.used.length} cipher suites, GREASE removed, ${order}, as 4-digit hex joined by commas; ${hashed ? 'the first 12 hex digits of its SHA-256' : 'written out (raw form)'}.`,
    refs: ciphers.used.flatMap((i) => i.refs), items: [...ciphers.used, ...ciphers.removed], hashInput: bInput, hash: bHash,
  });

  const extRemoval = (v: number): string | undefined =>
    isGrease(v) ? GREASE_REASON : sorted && v === 0x0000 ? SNI_REASON : sorted && v === 0x0010 ? ALPN_REASON : undefined;
  const exts = listItems(hello.extensions.map((e) => e.type), hello.extensions.map((e) => extensionTypeRef(src, e)), extensionName, hex16, extRemoval, sorted);
  const sigs = listItems(hello.signatureAlgorithms ?? [], signatureAlgorithmRefs(hello), signatureSchemeName, hex16, greaseOnly, false);
  const extTexts = texts(exts.used), sigTexts = texts(sigs.used);
  const cInput = ja4CInput(extTexts, sigTexts);
  const cHash = hash12(cInput);
  const cValue = hashed ? cHash : ja4CRaw(extTexts, sigTexts);
  const cStart = a.length + 1 + bValue.length + 1;
  parts.push({
    id: 'c', label: 'Extensions and signature algorithms', value: cValue, span: hashed ? undefined : spanAt(cStart, cValue),
    explanation: extTexts.length === 0
      ? `No extensions left after removing GREASE${sorted ? ', SNI and ALPN' : ''}: the hash part is 000000000000.`
      : `Extensions (GREASE removed${sorted ? ', SNI and ALPN removed, sorted' : ', wire order'})${sigTexts.length ? ', then "_" and the signature algorithms of signature_algorithms (0x000d) in wire order' : '; no signature algorithms, so no "_"'}; ${hashed ? 'the first 12 hex digits of its SHA-256' : 'written out (raw form)'}.`,
    refs: [...exts.used, ...sigs.used].flatMap((i) => i.refs), hashInput: cInput, hash: cHash,
  });
  const extValue = extTexts.join(',');
  parts.push({
    id: 'c.extensions', label: 'Extensions', value: extValue, span: hashed ? undefined : spanAt(cStart, extValue),
    explanation: `${extTexts.length} extension types, 4-digit hex, ${sorted ? 'sorted, without SNI (0000) and ALPN (0010)' : 'in wire order, SNI and ALPN included'}, GREASE removed.`,
    refs: exts.used.flatMap((i) => i.refs), items: [...exts.used, ...exts.removed],
  });
  const sigValue = sigTexts.join(',');
  parts.push({
    id: 'c.signature_algorithms', label: 'Signature algorithms', value: sigValue,
    span: hashed || sigTexts.length === 0 ? undefined : spanAt(cStart + extValue.length + 1, sigValue),
    explanation: hello.signatureAlgorithms === undefined
      ? 'No signature_algorithms (0x000d) extension: nothing after the extensions.'
      : `${sigTexts.length} signature algorithms from signature_algorithms (0x000d) only, in wire order (not sorted), GREASE removed; signature_algorithms_cert and delegated_credentials lists are ignored.`,
    refs: sigs.used.flatMap((i) => i.refs), items: [...sigs.used, ...sigs.removed],
  });
  return { method: 'ja4', form, value, parts: compactParts(parts) };
}

/** JA3 (or JA3N, extensions sorted) of a ClientHello: its five comma-separated fields and the MD5. */
export function breakdownJa3(hello: ClientHello, form: Ja3Form = 'ja3'): FingerprintBreakdown {
  const r = computeJa3(hello);
  const value = r[form];
  const full = form === 'ja3' || form === 'ja3_full' ? r.ja3_full : r.ja3n_full;
  const written = form === 'ja3_full' || form === 'ja3n_full';
  const src = hello.source;
  const dec = (v: number): string => String(v);
  const ciphers = listItems(hello.cipherSuites, cipherRefs(hello), cipherSuiteName, dec, greaseOnly, false);
  const exts = listItems(hello.extensions.map((e) => e.type), hello.extensions.map((e) => extensionTypeRef(src, e)), extensionName, dec, greaseOnly, false);
  if (form === 'ja3n' || form === 'ja3n_full') exts.used.sort((x, y) => Number(x.text) - Number(y.text));
  const groups = listItems(hello.supportedGroups ?? [], groupRefs(hello), groupName, dec, greaseOnly, false);
  // JA3 keeps point formats as sent (no GREASE rule for these one-byte values).
  const formats = listItems(hello.ecPointFormats ?? [], pointFormatRefs(hello), (v) => `${POINT_FORMATS[v] ?? 'unknown'} (${v})`, dec, () => undefined, false);
  const version = String(hello.legacyVersion);
  const fields: [string, string, BreakdownItem[], BreakdownItem[], string, ByteRef[]][] = [
    ['version', 'SSLVersion', [], [], `The ClientHello's legacy_version ${hex16(hello.legacyVersion)} in decimal (not supported_versions, not the record version).`, [legacyVersionRef(hello)]],
    ['ciphers', 'Ciphers', ciphers.used, ciphers.removed, 'Cipher suites in wire order, decimal, joined by "-", GREASE removed.', []],
    ['extensions', 'Extensions', exts.used, exts.removed, `Extension types ${form.startsWith('ja3n') ? 'sorted numerically (JA3N)' : 'in wire order'}, decimal, joined by "-", GREASE removed.`, []],
    ['groups', 'EllipticCurves', groups.used, groups.removed, 'supported_groups (0x000a) in wire order, decimal, joined by "-", GREASE removed.', []],
    ['point_formats', 'EllipticCurvePointFormats', formats.used, formats.removed, 'ec_point_formats (0x000b) as sent, decimal, joined by "-".', []],
  ];
  const parts: BreakdownPart[] = [];
  let at = 0;
  for (const [id, label, used, removed, explanation, refs] of fields) {
    const v = id === 'version' ? version : used.map((i) => i.text).join('-');
    parts.push({ id, label, value: v, span: written ? spanAt(at, v) : undefined, explanation, refs: refs.length ? refs : used.flatMap((i) => i.refs), ...(id === 'version' ? {} : { items: [...used, ...removed] }) });
    at += v.length + 1;
  }
  return { method: 'ja3', form, value, parts: compactParts(parts), hashInput: full, hash: md5Hex(full) };
}

const POINT_FORMATS: Record<number, string> = { 0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2' };
