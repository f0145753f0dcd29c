// JA4H: HTTP client fingerprint, from one request.
// JA4+ method by FoxIO, licensed under the FoxIO License 1.1 (non-commercial use only);
// see ./LICENSE-NOTICE.md and LICENSE. Written by Helloscope from the specification; no FoxIO code.
// Choices where the specification is silent or implementations disagree: docs/ja4h.md.
import type { HttpRequest } from '../../http/model.js';
import { hash12 } from '../hash.js';

export interface Ja4hFingerprints {
  ja4h: string;
  /** Raw, cookies sorted. */
  ja4h_r: string;
  /** Hashed, cookies in original order. */
  ja4h_o: string;
  /** Raw, cookies in original order. */
  ja4h_ro: string;
}

export interface Ja4hParts {
  method: string;
  version: string;
  cookie: 'c' | 'n';
  referer: 'r' | 'n';
  count: string;
  language: string;
  /** a = the first 12 characters. */
  a: string;
  headerNames: string[];
  cookieNames: string[];
  cookiePairs: string[];
  sortedCookieNames: string[];
  sortedCookiePairs: string[];
}

const METHODS: Record<string, string> = {
  GET: 'ge', HEAD: 'he', OPTIONS: 'op', TRACE: 'tr', DELETE: 'de', PUT: 'pu', POST: 'po', PATCH: 'pa', CONNECT: 'co',
};

/** Two-letter method code: the specification's table, else the first two letters lowercased (docs/ja4h.md). */
export function ja4hMethod(method: string): string {
  return METHODS[method] ?? (method.slice(0, 2).toLowerCase().padEnd(2, '0'));
}

/** `10`, `11`, `20`, `30` from the version; other versions by their digits (HTTP/0.9 is `09`). */
export function ja4hVersion(version: string): string {
  const m = /^HTTP\/(\d)(?:\.(\d))?$/i.exec(version);
  if (!m) return '00';
  return `${m[1]}${m[2] ?? '0'}`;
}

/** Primary Accept-Language: before the first `,` and `;`, without `-` and spaces, lowercased, 4 characters padded with 0. */
export function ja4hLanguage(value: string | undefined): string {
  if (value === undefined) return '0000';
  const primary = value.split(',')[0]!.split(';')[0]!.replace(/[-\s]/g, '').toLowerCase();
  return primary.slice(0, 4).padEnd(4, '0');
}

/** What a header is to JA4H: an HTTP/2 pseudo-header (skipped), Cookie or Referer (flags, not counted), or a counted header. */
export type Ja4hHeaderRole = 'pseudo' | 'cookie' | 'referer' | 'header';

export function ja4hHeaderRole(name: string): Ja4hHeaderRole {
  if (name.startsWith(':')) return 'pseudo';
  const lower = name.toLowerCase();
  return lower === 'cookie' ? 'cookie' : lower === 'referer' ? 'referer' : 'header';
}

/** One cookie of a Cookie value: its name, the trimmed `name=value` text and where that text starts in the value. */
export interface Ja4hCookie { name: string; pair: string; offset: number }

/** Splits a Cookie value on `;`, trimming each piece and skipping empty ones; a piece without `=` is a name only. */
export function ja4hCookies(value: string): Ja4hCookie[] {
  const out: Ja4hCookie[] = [];
  let at = 0;
  for (const part of value.split(';')) {
    const t = part.trim();
    if (t) {
      const eq = t.indexOf('=');
      out.push({ name: eq < 0 ? t : t.slice(0, eq), pair: t, offset: at + part.indexOf(t) });
    }
    at += part.length + 1;
  }
  return out;
}

/** Indices of `names` sorted by name; equal names keep their order (docs/ja4h.md). */
export const ja4hCookieOrder = (names: readonly string[]): number[] =>
  names.map((_, i) => i).sort((x, y) => (names[x]! < names[y]! ? -1 : names[x]! > names[y]! ? 1 : x - y));

export function ja4hParts(req: HttpRequest): Ja4hParts {
  const headerNames: string[] = [];
  const cookieNames: string[] = [];
  const cookiePairs: string[] = [];
  let cookie = false, referer = false;
  let language: string | undefined;
  for (const h of req.headers) {
    const role = ja4hHeaderRole(h.name);
    if (role === 'pseudo') continue; // HTTP/2 pseudo-headers are not headers for JA4H
    if (role === 'cookie') {
      cookie = true;
      // Several cookie fields (RFC 9113 8.2.3) form one cookie list.
      for (const c of ja4hCookies(h.value)) {
        cookieNames.push(c.name);
        cookiePairs.push(c.pair);
      }
      continue;
    }
    if (role === 'referer') { referer = true; continue; }
    if (h.name.toLowerCase() === 'accept-language' && language === undefined) language = h.value;
    headerNames.push(h.name);
  }
  const order = ja4hCookieOrder(cookieNames);
  const version = req.version === 'HTTP/2' ? '20' : req.version === 'HTTP/3' ? '30' : ja4hVersion(req.version);
  const method = ja4hMethod(req.method);
  const count = String(Math.min(headerNames.length, 99)).padStart(2, '0');
  const lang = ja4hLanguage(language);
  const c = cookie ? 'c' : 'n', r = referer ? 'r' : 'n';
  return {
    method, version, cookie: c, referer: r, count, language: lang,
    a: `${method}${version}${c}${r}${count}${lang}`,
    headerNames, cookieNames, cookiePairs,
    sortedCookieNames: order.map((i) => cookieNames[i]!),
    sortedCookiePairs: order.map((i) => cookiePairs[i]!),
  };
}

const h12 = (list: string[]): string => (list.length ? hash12(list.join(',')) : '000000000000');

export function computeJa4h(req: HttpRequest): Ja4hFingerprints {
  const p = ja4hParts(req);
  const names = p.headerNames.join(',');
  const hNames = h12(p.headerNames);
  return {
    ja4h: `${p.a}_${hNames}_${h12(p.sortedCookieNames)}_${h12(p.sortedCookiePairs)}`,
    ja4h_r: `${p.a}_${names}_${p.sortedCookieNames.join(',')}_${p.sortedCookiePairs.join(',')}`,
    ja4h_o: `${p.a}_${hNames}_${h12(p.cookieNames)}_${h12(p.cookiePairs)}`,
    ja4h_ro: `${p.a}_${names}_${p.cookieNames.join(',')}_${p.cookiePairs.join(',')}`,
  };
}
