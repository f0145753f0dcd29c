// Breakdowns of JA4H, JA4S and JA4X for the "explain a fingerprint" views.
// JA4+ methods by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
// Values come from computeJa4h / computeJa4s / computeJa4x; this module lays them out and links
// every part to its bytes (model: core/explain/breakdown-model.ts).
import { hex16 } from '../../bytes/hex.js';
import { alpnPart, GREASE_REASON, protocolPart, versionPart } from '../../explain/breakdown-ja4a.js';
import { byteRef, compactParts, spanAt, type BreakdownItem, type BreakdownPart, type ByteRef, type FingerprintBreakdown } from '../../explain/breakdown-model.js';
import { extensionRef, extensionTypeRef } from '../../explain/tls-refs.js';
import type { HttpHeader, HttpRequest } from '../../http/model.js';
import { isGrease } from '../../tls/grease.js';
import { cipherSuiteName, extensionName } from '../../tls/iana/registry.js';
import type { ServerHello } from '../../tls/model.js';
import { contentStart, parseDer, type DerNode } from '../../x509/der.js';
import { oidName } from '../../x509/dissect.js';
import type { NameAttribute } from '../../x509/names.js';
import { hash12 } from '../hash.js';
import { highestVersion, type Ja4Transport } from '../ja4.js';
import { computeJa4h, ja4hCookieOrder, ja4hCookies, ja4hHeaderRole, ja4hParts } from './ja4h.js';
import { computeJa4s } from './ja4s.js';
import { computeJa4x } from './ja4x.js';

export type Ja4hForm = 'ja4h' | 'ja4h_r' | 'ja4h_o' | 'ja4h_ro';
export type Ja4sForm = 'ja4s' | 'ja4s_r';
export type Ja4xForm = 'ja4x' | 'ja4x_r';

const hashedNote = (hashed: boolean): string => (hashed ? 'the first 12 hex digits of its SHA-256 (000000000000 when empty)' : 'written out (raw form)');

// ---------------------------------------------------------------------------------------- JA4H

const HEADER_REMOVED: Record<string, string> = {
  cookie: 'Cookie is not counted or listed: its presence is the cookie flag in a, its contents are parts c and d',
  referer: 'Referer is not counted or listed: its presence is the referer flag in a (its value depends on the page, not the client)',
  pseudo: 'HTTP/2 pseudo-header (:method, :path...): not a header for JA4H',
};

/** JA4H of one HTTP request; refs point into `opts.source` (default: the request's own source, else `input`). */
export function breakdownJa4h(req: HttpRequest, form: Ja4hForm = 'ja4h', opts: { source?: string } = {}): FingerprintBreakdown {
  const src = opts.source ?? req.source ?? 'input';
  const p = ja4hParts(req);
  const value = computeJa4h(req)[form];
  const hashed = form === 'ja4h' || form === 'ja4h_o';
  const sorted = form === 'ja4h' || form === 'ja4h_r';
  const line = (h: HttpHeader): ByteRef[] => (h.start !== undefined && h.length !== undefined ? [byteRef(src, h.start, h.length, 'http.header')] : []);
  const nameRef = (h: HttpHeader): ByteRef[] => (h.start !== undefined ? [byteRef(src, h.start, h.name.length, 'http.header.name')] : []);
  const valueRef = (h: HttpHeader, offset: number, length: number, key: string): ByteRef[] =>
    h.valueStart !== undefined ? [byteRef(src, h.valueStart + offset, length, key)] : line(h);
  const byRole = (role: string): HttpHeader[] => req.headers.filter((h) => ja4hHeaderRole(h.name) === role);
  const counted = byRole('header');
  const lang = counted.find((h) => h.name.toLowerCase() === 'accept-language');

  // HTTP/1 request line `METHOD SP target SP version`: offsets follow from the strings.
  const rl = req.start;
  // A request line without a version parses as HTTP/0.9.
  const hasVersion = rl !== undefined && req.version !== 'HTTP/0.9';
  const a = p.a;
  const parts: BreakdownPart[] = [
    { id: 'a', label: 'Prefix', value: a, span: spanAt(0, a), explanation: 'Method, HTTP version, cookie and referer flags, header count and primary language.', refs: [] },
    {
      id: 'a.method', label: 'Method', value: p.method, span: spanAt(0, p.method),
      explanation: `${req.method}: ${p.method === req.method.slice(0, 2).toLowerCase() ? 'its first two letters, lowercased' : 'its two-letter code'}.`,
      refs: rl !== undefined ? [byteRef(src, rl, req.method.length, 'http.request.method')] : [],
    },
    {
      id: 'a.version', label: 'HTTP version', value: p.version, span: spanAt(2, p.version),
      explanation: `${req.version} is written ${p.version}.`,
      refs: hasVersion ? [byteRef(src, rl! + req.method.length + 1 + req.target.length + 1, req.version.length, 'http.request.version')] : [],
    },
    {
      id: 'a.cookie', label: 'Cookie flag', value: p.cookie, span: spanAt(4, p.cookie),
      explanation: p.cookie === 'c' ? 'c: the request has a Cookie header.' : 'n: no Cookie header.', refs: byRole('cookie').flatMap(line),
    },
    {
      id: 'a.referer', label: 'Referer flag', value: p.referer, span: spanAt(5, p.referer),
      explanation: p.referer === 'r' ? 'r: the request has a Referer header.' : 'n: no Referer header.', refs: byRole('referer').flatMap(line),
    },
    {
      id: 'a.header_count', label: 'Number of headers', value: p.count, span: spanAt(6, p.count),
      explanation: `${counted.length} headers${counted.length > 99 ? ' (capped at 99)' : ''}, not counting Cookie, Referer and HTTP/2 pseudo-headers; two digits.`,
      refs: counted.flatMap(nameRef),
    },
    {
      id: 'a.language', label: 'Accept-Language', value: p.language, span: spanAt(8, p.language),
      explanation: lang
        ? `The first Accept-Language value ${JSON.stringify(lang.value)}: its first language (before "," and ";"), without "-" and spaces, lowercased, 4 characters padded with 0.`
        : 'No Accept-Language header: 0000.',
      refs: lang ? valueRef(lang, 0, lang.value.length, 'http.header.value') : [],
    },
  ];

  const headerItems: BreakdownItem[] = req.headers.map((h, i) => {
    const role = ja4hHeaderRole(h.name);
    const item: BreakdownItem = { text: h.name, label: h.name, explanation: `header ${i + 1} of ${req.headers.length} in the order sent, name as sent (case kept)`, refs: nameRef(h) };
    return role === 'header' ? item : { ...item, removed: { reason: HEADER_REMOVED[role]! } };
  });
  const bInput = p.headerNames.join(',');
  const bValue = hashed ? hash12(bInput) : bInput;
  parts.push({
    id: 'b', label: 'Header names', value: bValue, span: hashed ? undefined : spanAt(a.length + 1, bValue),
    explanation: `Header names in the order sent (never sorted), comma-joined; ${hashedNote(hashed)}.`,
    refs: counted.flatMap(nameRef), items: [...headerItems.filter((x) => !x.removed), ...headerItems.filter((x) => x.removed)],
    hashInput: bInput, hash: hash12(bInput),
  });

  // Cookies of every Cookie field, in wire order, with their bytes.
  const cookies = byRole('cookie').flatMap((h) => ja4hCookies(h.value).map((c) => ({ ...c, h })));
  const order = sorted ? ja4hCookieOrder(cookies.map((c) => c.name)) : cookies.map((_, i) => i);
  const ordered = order.map((i) => cookies[i]!);
  const how = sorted ? 'sorted by name (equal names keep their order)' : 'in the order sent';
  const cNames = ordered.map((c) => c.name), dPairs = ordered.map((c) => c.pair);
  const cInput = cNames.join(','), dInput = dPairs.join(',');
  const cValue = hashed ? hash12(cInput) : cInput, dValue = hashed ? hash12(dInput) : dInput;
  const cStart = a.length + 1 + bValue.length + 1;
  parts.push({
    id: 'c', label: 'Cookie names', value: cValue, span: hashed ? undefined : spanAt(cStart, cValue),
    explanation: cookies.length ? `Cookie names ${how}, comma-joined; ${hashedNote(hashed)}.` : `No cookies: ${hashed ? '000000000000' : 'an empty section'}.`,
    refs: ordered.flatMap((c) => valueRef(c.h, c.offset, c.name.length, 'http.cookie_name')),
    items: ordered.map((c, i) => ({ text: c.name, label: c.name, explanation: `cookie ${cookies.indexOf(c) + 1} of ${cookies.length} as sent${sorted ? `, ${i + 1} after sorting` : ''}`, refs: valueRef(c.h, c.offset, c.name.length, 'http.cookie_name') })),
    hashInput: cInput, hash: hash12(cInput),
  });
  parts.push({
    id: 'd', label: 'Cookies with values', value: dValue, span: hashed ? undefined : spanAt(cStart + cValue.length + 1, dValue),
    explanation: cookies.length ? `name=value pairs ${how}, comma-joined; ${hashedNote(hashed)}. Values change per session, so d differs between users of one client.` : `No cookies: ${hashed ? '000000000000' : 'an empty section'}.`,
    refs: ordered.flatMap((c) => valueRef(c.h, c.offset, c.pair.length, 'http.cookie_pair')),
    items: ordered.map((c) => ({ text: c.pair, label: c.name, explanation: c.pair.includes('=') ? 'name=value as sent, trimmed' : 'a cookie without "=": kept as a name only', refs: valueRef(c.h, c.offset, c.pair.length, 'http.cookie_pair') })),
    hashInput: dInput, hash: hash12(dInput),
  });
  return { method: 'ja4h', form, value, parts: compactParts(parts) };
}

// ---------------------------------------------------------------------------------------- JA4S

const TRANSPORTS: Record<string, Ja4Transport> = { t: 'tcp', q: 'quic', d: 'dtls' };

/** JA4S of a ServerHello: `P VV EE AA _ cipher _ extensions` (hashed, or raw for `ja4s_r`). */
export function breakdownJa4s(sh: ServerHello, form: Ja4sForm = 'ja4s', opts: { transport?: Ja4Transport } = {}): FingerprintBreakdown {
  const r = computeJa4s(sh, opts);
  const value = r[form];
  const src = sh.source;
  const a = r.ja4s.slice(0, r.ja4s.indexOf('_'));
  const sv = sh.supportedVersions ? highestVersion(sh.supportedVersions) : undefined;
  const count = a.slice(3, 5);
  const exts = sh.extensions.map((e, i) => {
    const item: BreakdownItem = { text: hex16(e.type), label: extensionName(e.type), explanation: `position ${i + 1} of ${sh.extensions.length} on the wire`, refs: [extensionTypeRef(src, e)] };
    return isGrease(e.type) ? { ...item, removed: { reason: GREASE_REASON } } : item;
  });
  const used = exts.filter((x) => !x.removed);
  const cInput = used.map((x) => x.text).join(',');
  const hashed = form === 'ja4s';
  const cValue = hashed ? hash12(cInput) : cInput;
  const parts: BreakdownPart[] = [
    { id: 'a', label: 'Prefix', value: a, span: spanAt(0, a), explanation: 'Protocol, TLS version, extension count and ALPN characters.', refs: [] },
    protocolPart(sh, TRANSPORTS[r.parts.protocol]!, opts.transport !== undefined, 0, r.parts.protocol),
    versionPart(sh, r.parts.version, sv ?? sh.legacyVersion, sv !== undefined, 1),
    {
      id: 'a.extension_count', label: 'Number of extensions', value: count, span: spanAt(3, count),
      explanation: `${r.parts.extensionCount} extensions${r.parts.extensionCount > 99 ? ' (capped at 99)' : ''} in the ServerHello, GREASE excluded; two digits.`,
      refs: sh.extensions.filter((e) => !isGrease(e.type)).map((e) => extensionRef(src, e)),
    },
    alpnPart(sh, 5),
    {
      id: 'b', label: 'Cipher suite', value: r.parts.cipher, span: spanAt(a.length + 1, r.parts.cipher),
      explanation: `The cipher suite the server chose, ${cipherSuiteName(sh.cipherSuite)}, as 4-digit hex.`,
      refs: sh.cipherSuiteOffset >= 0 ? [byteRef(src, sh.cipherSuiteOffset, 2, 'tls.handshake.ciphersuite')] : [],
    },
    {
      id: 'c', label: 'Extensions', value: cValue, span: hashed ? undefined : spanAt(a.length + 1 + r.parts.cipher.length + 1, cValue),
      explanation: `The ServerHello's extension types in wire order (not sorted), GREASE removed, comma-joined; ${hashedNote(hashed)}.`,
      refs: used.flatMap((x) => x.refs), items: [...used, ...exts.filter((x) => x.removed)], hashInput: cInput, hash: hash12(cInput),
    },
  ];
  return { method: 'ja4s', form, value, parts: compactParts(parts) };
}

// ---------------------------------------------------------------------------------------- JA4X

/**
 * JA4X of a DER certificate. Refs point at each OID's content bytes (what JA4X writes as hex) in
 * `opts.source` (default `certificate`), shifted by `opts.offset` when the DER sits inside a
 * larger source (a TLS Certificate message: CertificateEntry.start).
 */
export function breakdownJa4x(der: Uint8Array, form: Ja4xForm = 'ja4x', opts: { source?: string; offset?: number } = {}): FingerprintBreakdown {
  const src = opts.source ?? 'certificate';
  const base = opts.offset ?? 0;
  const r = computeJa4x(der);
  const cert = r.certificate;
  const value = r[form];
  const hashed = form === 'ja4x';
  const nodes = indexByStart(parseDer(der).nodes);
  // A Name attribute or an extension is a SEQUENCE whose first element is the OID.
  const oidRef = (seqStart: number): ByteRef[] => {
    const oid = nodes.get(seqStart)?.children?.[0];
    return oid ? [byteRef(src, base + contentStart(oid), oid.length, 'x509.oid')] : [];
  };
  const attr = (a: NameAttribute, i: number, n: number): BreakdownItem => ({
    text: a.oidHex, label: `${a.longName} (${a.shortName})`,
    explanation: `attribute ${i + 1} of ${n}: OID ${a.oid}; its value ${JSON.stringify(a.value)} is not part of JA4X`, refs: oidRef(a.start),
  });
  const lists: [string, string, BreakdownItem[], [number, number] | undefined, string][] = [
    ['a', 'Issuer', cert.issuer.map((a, i) => attr(a, i, cert.issuer.length)), cert.ranges.issuer, 'Attribute types of the issuer name, in certificate order'],
    ['b', 'Subject', cert.subject.map((a, i) => attr(a, i, cert.subject.length)), cert.ranges.subject, 'Attribute types of the subject name, in certificate order'],
    ['c', 'Extensions', cert.extensions.map((e, i) => ({
      text: e.oidHex, label: oidName(e.oid),
      explanation: `extension ${i + 1} of ${cert.extensions.length}: OID ${e.oid}${e.critical ? ', critical' : ''}; its value is not part of JA4X`, refs: oidRef(e.start),
    })), cert.ranges.extensions, 'Extension OIDs, in certificate order'],
  ];
  const parts: BreakdownPart[] = [];
  let at = 0;
  for (const [id, label, items, range, what] of lists) {
    const input = items.map((x) => x.text).join(',');
    const v = hashed ? hash12(input) : input;
    parts.push({
      id, label, value: v, span: hashed ? undefined : spanAt(at, v),
      explanation: `${what}: each OID as the hex of its DER content bytes, comma-joined; ${hashedNote(hashed)}.`,
      refs: range ? [byteRef(src, base + range[0], range[1], `x509.${label.toLowerCase()}`)] : [], items, hashInput: input, hash: hash12(input),
    });
    at += v.length + 1;
  }
  return { method: 'ja4x', form, value, parts: compactParts(parts) };
}

function indexByStart(nodes: readonly DerNode[], out = new Map<number, DerNode>()): Map<number, DerNode> {
  for (const n of nodes) {
    out.set(n.start, n);
    if (n.children) indexByStart(n.children, out);
  }
  return out;
}
