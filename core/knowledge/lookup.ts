// Which client made a fingerprint: exact on JA4 (user labels first), else the nearest known
// client by component similarity of the raw JA4 (ciphers, extensions, signature algorithms, order
// ignored so extension shuffling still matches), with a lower confidence and the differences named.
// Scoring: docs/knowledge-base.md.

export interface KbEntry {
  label: string;
  client: string;
  version?: string;
  library?: string;
  os?: string;
  /** Empty when no ClientHello is known: JA3-only entries (Salesforce's JA3 list), found by `ja3` alone, and HTTP-only entries (plain-HTTP recordings), found by `lookupHttpClient` only. */
  ja4: string;
  ja4_r?: string;
  ja3?: string;
  /** JA4H of the client's first request, where known (recordings, curl-impersonate signatures). */
  ja4h?: string;
  /** Akamai HTTP/2 fingerprint text (`SETTINGS|WINDOW_UPDATE|PRIORITY|pseudo-headers`), for HTTP/2 clients where known. */
  akamai?: string;
  source: string;
}

export interface ClientMatch {
  label: string;
  client: string;
  version?: string;
  library?: string;
  os?: string;
  /** 0..1. */
  confidence: number;
  exact: boolean;
  /** What differs from the entry, in words (empty for an exact match). */
  differences: string[];
  entry: KbEntry;
}

export interface FingerprintQuery { ja4: string; ja4_r?: string; ja3?: string }

interface Parts { a: string; ciphers: string[]; exts: string[]; sigs: string[] }
function parseRaw(r: string | undefined): Parts | undefined {
  if (!r) return undefined;
  const [a, c, e, s] = r.split('_');
  if (!a || c === undefined || e === undefined) return undefined;
  const list = (x: string | undefined): string[] => (x ? x.split(',').filter(Boolean) : []);
  return { a, ciphers: list(c), exts: list(e), sigs: list(s) };
}

const jaccard = (x: string[], y: string[]): number => {
  const a = new Set(x), b = new Set(y);
  if (a.size === 0 && b.size === 0) return 1;
  let i = 0;
  for (const v of a) if (b.has(v)) i++;
  return i / (a.size + b.size - i);
};

function diff(name: string, mine: string[], theirs: string[]): string[] {
  const a = new Set(mine), b = new Set(theirs);
  const added = mine.filter((v) => !b.has(v)), removed = theirs.filter((v) => !a.has(v));
  const out: string[] = [];
  if (added.length) out.push(`${name} not in the known client: ${added.join(',')}`);
  if (removed.length) out.push(`${name} the known client also sends: ${removed.join(',')}`);
  if (!added.length && !removed.length && mine.join() !== theirs.join()) out.push(`same ${name}, different order`);
  return out;
}

function describeA(mine: string, theirs: string): string[] {
  const out: string[] = [];
  if (mine.slice(1, 3) !== theirs.slice(1, 3)) out.push(`TLS version ${mine.slice(1, 3)} instead of ${theirs.slice(1, 3)}`);
  if (mine[3] !== theirs[3]) out.push(`SNI flag ${mine[3]} instead of ${theirs[3]}`);
  if (mine.slice(8, 10) !== theirs.slice(8, 10)) out.push(`ALPN ${mine.slice(8, 10)} instead of ${theirs.slice(8, 10)}`);
  return out;
}

const toMatch = (e: KbEntry, confidence: number, exact: boolean, differences: string[]): ClientMatch => ({
  label: e.label, client: e.client, ...(e.version ? { version: e.version } : {}), ...(e.library ? { library: e.library } : {}), ...(e.os ? { os: e.os } : {}),
  confidence: Math.round(confidence * 100) / 100, exact, differences, entry: e,
});

/** Minimum similarity for a nearest-client answer. */
const MIN_SIMILARITY = 0.6;

export function lookupClient(fp: FingerprintQuery, kb: readonly KbEntry[], user: readonly KbEntry[] = []): ClientMatch | null {
  for (const list of [user, kb]) {
    const e = fp.ja4 ? list.find((x) => x.ja4 === fp.ja4) : undefined;
    if (e) return toMatch(e, 1, true, []);
  }
  const mine = parseRaw(fp.ja4_r);
  if (mine) {
    let best: { e: KbEntry; s: number; p: Parts } | undefined;
    for (const e of [...user, ...kb]) {
      const p = parseRaw(e.ja4_r);
      if (!p) continue;
      let s = 0.45 * jaccard(mine.ciphers, p.ciphers) + 0.35 * jaccard(mine.exts, p.exts) + 0.2 * jaccard(mine.sigs, p.sigs);
      if (mine.a.slice(0, 4) !== p.a.slice(0, 4)) s *= 0.9;
      if (!best || s > best.s) best = { e, s, p };
    }
    if (best && best.s >= MIN_SIMILARITY) {
      const d = [...describeA(mine.a, best.p.a), ...diff('cipher suites', mine.ciphers, best.p.ciphers), ...diff('extensions', mine.exts, best.p.exts), ...diff('signature algorithms', mine.sigs, best.p.sigs)];
      return toMatch(best.e, 0.9 * best.s, false, d);
    }
  }
  if (fp.ja3) {
    const all = [...user, ...kb];
    const e = all.find((x) => x.ja4 && x.ja3 === fp.ja3);
    if (e) return toMatch(e, JA3_CONFIDENCE, false, ['matched on JA3 only']);
    const j = all.find((x) => !x.ja4 && x.ja3 === fp.ja3);
    if (j) return toMatch(j, JA3_ONLY_CONFIDENCE, false, ['matched on JA3 only', ...ja3OnlyNotes(j)]);
  }
  return null;
}

/** Confidence of a JA3 match on an entry that also has a JA4 (whose JA4 differed from the query's). */
const JA3_CONFIDENCE = 0.7;
/** Confidence of a match on a JA3-only entry (no JA4 known): lower, JA3 md5 collides across clients. */
const JA3_ONLY_CONFIDENCE = 0.5;

function ja3OnlyNotes(e: KbEntry): string[] {
  const out = ['JA3-only entry: no JA4 known for it, so nothing but the JA3 md5 was compared'];
  if (e.source === 'salesforce-ja3') out.push("from Salesforce's JA3 list (macOS/Linux applications, ~2017; a best guess, md5 only)");
  if (e.client.includes(',')) out.push(`the list gives this JA3 to several applications: ${e.client}`);
  return out;
}

export interface HttpFingerprintQuery { ja4h?: string; akamai?: string }

/** JA4H without its cookie parts (`a_b`): cookies depend on the site, not the client. */
const ja4hAb = (x: string | undefined): string | undefined => (x ? x.split('_').slice(0, 2).join('_') : undefined);

/**
 * Which known client sent an HTTP request like this: exact on Akamai (the whole text) and on
 * JA4H's first two parts (method, version, cookie and referer flags, header count, language, and
 * the hash of the header names in order; the cookie hashes are ignored). Both agreeing: 0.8;
 * Akamai alone: 0.6; JA4H alone: 0.5 (HTTP fingerprints are set by the HTTP library and the
 * request the application makes, so weaker evidence than the ClientHello). User labels first.
 */
export function lookupHttpClient(q: HttpFingerprintQuery, kb: readonly KbEntry[], user: readonly KbEntry[] = []): ClientMatch | null {
  const ab = ja4hAb(q.ja4h);
  let best: { e: KbEntry; c: number; d: string[] } | undefined;
  for (const e of [...user, ...kb]) {
    const h = ab !== undefined && ja4hAb(e.ja4h) === ab;
    const a = q.akamai !== undefined && e.akamai === q.akamai;
    if (!h && !a) continue;
    const c = h && a ? 0.8 : a ? 0.6 : 0.5;
    const d = h && a ? ['matched on JA4H and Akamai (HTTP only)'] : a ? ['matched on Akamai only (HTTP/2 only)', ...(ab && e.ja4h ? ['JA4H differs'] : [])] : ['matched on JA4H only (HTTP only)', ...(q.akamai !== undefined && e.akamai !== undefined ? ['Akamai differs'] : [])];
    if (!best || c > best.c) best = { e, c, d };
    if (c === 0.8) break;
  }
  return best ? toMatch(best.e, best.c, false, best.d) : null;
}

export interface UserAgentVerdict {
  claimed: { browser?: string; os?: string };
  /** null when the User-Agent or the fingerprint says too little to tell. */
  consistent: boolean | null;
  verdict: string;
  reasons: string[];
  automation?: string;
}

const FAMILY: [RegExp, string][] = [
  [/Edg\//, 'chromium'], [/HeadlessChrome\//, 'chromium'], [/Chrome\/|Chromium\//, 'chromium'], [/Firefox\//, 'firefox'], [/Safari\//, 'safari'],
  [/^curl\//, 'curl'], [/^Wget\//, 'wget'], [/python-requests|Python-urllib|python-httpx|aiohttp/i, 'python'], [/Go-http-client/, 'go'],
  [/node-fetch|undici|^node$|axios/i, 'node'], [/Java\/|Java-http-client/, 'java'], [/^Ruby/, 'ruby'], [/libwww-perl|LWP::/, 'perl'], [/^PHP/i, 'php'],
];
const AUTOMATION = /(HeadlessChrome|curl|Wget|python-requests|Python-urllib|httpx|aiohttp|Go-http-client|node-fetch|undici|axios|Java-http-client|Java\/|libwww-perl|PhantomJS|Puppeteer|Playwright|Selenium|Scrapy)/i;

/** Family of a knowledge-base client name (`Chromium`, `Firefox ESR`, `Python requests`...). */
export function clientFamily(name: string): string | undefined {
  const n = name.toLowerCase();
  for (const f of ['chromium', 'chrome', 'edge', 'firefox', 'safari', 'curl', 'wget', 'python', 'go', 'node', 'java', 'ruby', 'perl', 'php', 'openssl', 'gnutls']) {
    if (n.split(/[\s/-]+/).includes(f) || n.startsWith(f)) return f === 'chrome' || f === 'edge' ? 'chromium' : f;
  }
  return undefined;
}

function familyOf(text: string): string | undefined {
  for (const [re, f] of FAMILY) if (re.test(text)) return f;
  return undefined;
}

/** Does the User-Agent's claimed client agree with the client the TLS fingerprint matches? */
export function assessUserAgent(userAgent: string | null, match: ClientMatch | null): UserAgentVerdict {
  const ua = userAgent ?? '';
  const browser = familyOf(ua);
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad|iOS/.test(ua) ? 'iOS' : /Mac OS X|Macintosh/.test(ua) ? 'macOS' : /Linux|X11/.test(ua) ? 'Linux' : undefined;
  const auto = AUTOMATION.exec(ua)?.[1];
  const claimed = { ...(browser ? { browser } : {}), ...(os ? { os } : {}) };
  const reasons: string[] = [];
  if (!userAgent) return { claimed, consistent: null, verdict: 'no User-Agent', reasons: ['the request had no User-Agent header'] };
  if (auto) reasons.push(`the User-Agent names an automation tool or library (${auto})`);
  const tlsFamily = match ? clientFamily(match.client) : undefined;
  if (!match || !tlsFamily || !browser) {
    return { claimed, consistent: null, verdict: 'cannot tell: the fingerprint or the User-Agent matches no known client family', reasons, ...(auto ? { automation: auto } : {}) };
  }
  const consistent = tlsFamily === browser || (browser === 'chromium' && tlsFamily === 'chromium');
  reasons.push(consistent ? `the TLS fingerprint matches ${match.label} (${Math.round(match.confidence * 100)}%), as the User-Agent claims` : `the User-Agent claims ${browser} but the TLS fingerprint matches ${match.label} (${Math.round(match.confidence * 100)}%)`);
  return { claimed, consistent, verdict: consistent ? 'consistent' : 'User-Agent does not match the TLS fingerprint', reasons, ...(auto ? { automation: auto } : {}) };
}
