// Why two TLS fingerprints differ, in words: component by component (version, SNI flag, ALPN,
// cipher suites, extensions, signature algorithms; added, removed or only reordered; GREASE-only
// changes; padding, pre_shared_key and ECH presence), and the conclusion an expert would draw.
// Each side is whatever is known of a ClientHello: at least a JA4, better its raw forms.

export interface FingerprintSide {
  /** What the user gave, for the report. */
  name: string;
  ja4?: string;
  /** Raw, sorted (`_r`). */
  ja4_r?: string;
  /** Raw, original order (`_ro`). */
  ja4_ro?: string;
  ja3?: string;
  /** JA3 string (`771,4865-...,0-23-...,29-23,0`). */
  ja3_full?: string;
}

export interface FingerprintDiff {
  equal: { ja4: boolean | null; ja3: boolean | null };
  findings: string[];
  conclusion: string;
}

interface Raw { a: string; ciphers: string[]; exts: string[]; sigs: string[] }
function raw(s: string | undefined): Raw | undefined {
  if (!s) return undefined;
  const p = s.split('_');
  if (p.length < 3) return undefined;
  const l = (x: string | undefined): string[] => (x ? x.split(',').filter(Boolean) : []);
  return { a: p[0]!, ciphers: l(p[1]), exts: l(p[2]), sigs: l(p[3]) };
}

const EXT_NAMES: Record<string, string> = { '0015': 'padding', '0029': 'pre_shared_key', fe0d: 'encrypted_client_hello', '0000': 'server_name', '0010': 'ALPN', '002a': 'early_data', '44cd': 'application_settings (new)', '4469': 'application_settings', '11ec': 'X25519MLKEM768' };
const nameOf = (e: string): string => (EXT_NAMES[e] ? `${e} (${EXT_NAMES[e]})` : e);
/** A JA3 (decimal) code point as the 4-digit hex JA4 writes. */
const decimalToHex = (e: string): string => Number(e).toString(16).padStart(4, '0');
/** A JA3 (decimal) extension value with its name when known. */
const decimalNameOf = (e: string): string => {
  const n = EXT_NAMES[decimalToHex(e)];
  return n ? `${e} (${n})` : e;
};
/** Extensions whose presence alone says something, as findings when one side only has them (hex lists). */
function presenceFindings(a: string[], b: string[], out: string[]): void {
  for (const [e, n] of [['0015', 'padding'], ['0029', 'pre_shared_key (session resumption)'], ['fe0d', 'ECH']] as const) {
    const ia = a.includes(e), ib = b.includes(e);
    if (ia !== ib) out.push(`${n} ${ia ? 'present in A only' : 'present in B only'}`);
  }
}
/** JA3's version field (the ClientHello's legacy version). */
const VERSIONS: Record<string, string> = { '768': 'SSL 3.0', '769': 'TLS 1.0', '770': 'TLS 1.1', '771': 'TLS 1.2', '772': 'TLS 1.3', '65279': 'DTLS 1.0', '65277': 'DTLS 1.2' };

function setDiff(what: string, a: string[], b: string[], out: string[], named: boolean | 'decimal' = false): 'same' | 'order' | 'set' {
  const A = new Set(a), B = new Set(b);
  const added = b.filter((x) => !A.has(x)), removed = a.filter((x) => !B.has(x));
  if (!added.length && !removed.length) {
    if (a.join() === b.join()) return 'same';
    out.push(`same ${what}, in a different order`);
    return 'order';
  }
  const fmt = (l: string[]): string => l.map((x) => (named === 'decimal' ? decimalNameOf(x) : named ? nameOf(x) : x)).join(', ');
  if (added.length) out.push(`${what} only in B: ${fmt(added)}`);
  if (removed.length) out.push(`${what} only in A: ${fmt(removed)}`);
  return 'set';
}

const GREASE = /^([0-9a-f])a\1a$/;
function ja3Lists(s: string | undefined): { version: string; ciphers: string[]; exts: string[]; groups: string[]; formats: string[] } | undefined {
  if (!s) return undefined;
  const p = s.split(',');
  if (p.length !== 5) return undefined;
  const l = (x: string): string[] => (x ? x.split('-') : []);
  return { version: p[0]!, ciphers: l(p[1]!), exts: l(p[2]!), groups: l(p[3]!), formats: l(p[4]!) };
}

/** True when every finding follows from one change (its own line, its extension, the counts). */
function onlyAbout(findings: string[], prefix: string, ext: string): boolean {
  if (!findings.some((f) => f.startsWith(prefix))) return false;
  return findings.every((f) => f.startsWith(prefix) || f.endsWith(`: ${ext}`) || /^\d+ vs \d+ extensions$/.test(f) || f.startsWith('JA3: same extensions'));
}

export function diffFingerprints(A: FingerprintSide, B: FingerprintSide): FingerprintDiff {
  const findings: string[] = [];
  const ja4Equal = A.ja4 && B.ja4 ? A.ja4 === B.ja4 : null;
  const ja3Equal = A.ja3 && B.ja3 ? A.ja3 === B.ja3 : A.ja3_full && B.ja3_full ? A.ja3_full === B.ja3_full : null;
  // Wire order when both sides have it; otherwise both sorted (comparing one side's wire order with
  // the other's sorted lists would report reorderings and SNI/ALPN changes that are not there).
  const bothRo = A.ja4_ro !== undefined && B.ja4_ro !== undefined;
  const ra = raw(bothRo ? A.ja4_ro : A.ja4_r), rb = raw(bothRo ? B.ja4_ro : B.ja4_r);
  const aa = ra?.a ?? A.ja4?.split('_')[0], ab = rb?.a ?? B.ja4?.split('_')[0];
  let cipher: 'same' | 'order' | 'set' | undefined, ext: 'same' | 'order' | 'set' | undefined;
  if (aa && ab) {
    if (aa[0] !== ab[0]) findings.push(`transport ${aa[0]} vs ${ab[0]} (t = TCP, q = QUIC, d = DTLS)`);
    if (aa.slice(1, 3) !== ab.slice(1, 3)) findings.push(`highest TLS version offered ${aa.slice(1, 3)} vs ${ab.slice(1, 3)}`);
    if (aa[3] !== ab[3]) findings.push(`SNI ${aa[3] === 'd' ? 'sent' : 'absent'} in A, ${ab[3] === 'd' ? 'sent' : 'absent'} in B`);
    if (aa.slice(8, 10) !== ab.slice(8, 10)) findings.push(`ALPN ${aa.slice(8, 10)} vs ${ab.slice(8, 10)} (first and last characters of the first ALPN value; 00 = none)`);
    if (aa.slice(4, 6) !== ab.slice(4, 6)) findings.push(`${Number(aa.slice(4, 6))} vs ${Number(ab.slice(4, 6))} cipher suites`);
    if (aa.slice(6, 8) !== ab.slice(6, 8)) findings.push(`${Number(aa.slice(6, 8))} vs ${Number(ab.slice(6, 8))} extensions`);
  }
  if (ra && rb) {
    cipher = setDiff('cipher suites', ra.ciphers, rb.ciphers, findings);
    // In _r forms the extension list is sorted; only _ro tells the order.
    ext = setDiff('extensions', ra.exts, rb.exts, findings, true);
    if (ext === 'order' && !(A.ja4_ro && B.ja4_ro)) ext = 'same';
    const s = setDiff('signature algorithms', ra.sigs, rb.sigs, findings);
    void s;
    presenceFindings(ra.exts, rb.exts, findings);
  } else if (A.ja4 && B.ja4 && !ja4Equal) {
    const [, hb1, hc1] = A.ja4.split('_'), [, hb2, hc2] = B.ja4.split('_');
    if (hb1 !== hb2) findings.push('the cipher-suite hash differs (give the _r forms to see which suites)');
    if (hc1 !== hc2) findings.push('the extension/signature-algorithm hash differs (give the _r forms to see which)');
  }
  const ja = ja3Lists(A.ja3_full), jb = ja3Lists(B.ja3_full);
  let greaseOnly = false;
  if (ja && jb && A.ja3_full !== B.ja3_full) {
    const strip = (l: string[]): string[] => l.filter((x) => !GREASE.test(decimalToHex(x)));
    const same = (x: string[], y: string[]): boolean => strip(x).join() === strip(y).join();
    greaseOnly = same(ja.ciphers, jb.ciphers) && same(ja.exts, jb.exts) && same(ja.groups, jb.groups) && ja.formats.join() === jb.formats.join() && ja.version === jb.version;
    if (greaseOnly) findings.push('JA3 strings differ only in GREASE values');
    else if (ra && rb) {
      // The lists were compared above; JA3 alone keeps the extension order of _r forms.
      if (ja.exts.join() !== jb.exts.join() && [...ja.exts].sort().join() === [...jb.exts].sort().join()) findings.push('JA3: same extensions in a different order');
    } else {
      // Only the JA3 strings tell the lists (decimal values, as JA3 writes them).
      if (ja.version !== jb.version) findings.push(`TLS version field ${ja.version} vs ${jb.version} (${VERSIONS[ja.version] ?? '?'} vs ${VERSIONS[jb.version] ?? '?'})`);
      cipher = setDiff('cipher suites', strip(ja.ciphers), strip(jb.ciphers), findings);
      ext = setDiff('extensions', strip(ja.exts), strip(jb.exts), findings, 'decimal');
      presenceFindings(ja.exts.map(decimalToHex), jb.exts.map(decimalToHex), findings);
      if (ja.formats.join() !== jb.formats.join()) findings.push(`EC point formats ${ja.formats.join('-') || 'none'} vs ${jb.formats.join('-') || 'none'}`);
    }
    if (!greaseOnly && ja.groups.join() !== jb.groups.join()) findings.push(`supported groups ${ja.groups.join('-')} vs ${jb.groups.join('-')}`);
  }
  // From JA3 strings alone, the one finding is that extension (decimal, named).
  const onlyJa3Extension = (e: string): boolean => ja4Equal === null && cipher === 'same' && findings.length === 1 && (findings[0] === `extensions only in A: ${e}` || findings[0] === `extensions only in B: ${e}`);
  let conclusion: string;
  if (ja4Equal && ja3Equal) conclusion = 'identical fingerprints: same client configuration.';
  else if (ja4Equal && ja3Equal === false) conclusion = greaseOnly
    ? 'same ciphers and extensions; JA3 differs only through GREASE values: the same client.'
    : 'same ciphers and extensions, only their order differs: JA4 equal, JA3 differs, typical of Chrome\'s extension shuffling (Chromium 110+), so the same client.';
  else if (ja4Equal) conclusion = 'JA4 equal: same cipher suites, extensions, signature algorithms, version, SNI and ALPN behaviour.';
  else if (ja4Equal === null && ja3Equal) conclusion = 'identical JA3 strings: same TLS version, cipher suites, extensions in the same order, groups and point formats.';
  else if (ja4Equal === null && greaseOnly) conclusion = 'JA3 differs only through GREASE values: the same client.';
  else if (onlyAbout(findings, 'ALPN', '0010 (ALPN)') || onlyJa3Extension('16 (ALPN)')) conclusion = 'only ALPN differs: the same TLS stack asked for a different application protocol (for example curl with and without --http2 or --no-alpn).';
  else if (onlyAbout(findings, 'SNI', '0000 (server_name)') || onlyJa3Extension('0 (server_name)')) conclusion = 'only the SNI differs: the same client connecting to an IP address instead of a name.';
  else if (cipher === 'set' && ext === 'set') conclusion = 'different cipher suites and extensions: most likely different TLS libraries or very different versions or settings.';
  else if (cipher === 'same' && ext === 'set') conclusion = 'same cipher suites, different extensions: the same library family with other options or versions.';
  else if (ja4Equal === null && cipher === 'same' && ext === 'order' && findings.length === 1) conclusion = 'same cipher suites and extensions, only the extension order differs: JA4 would be equal, JA3 differs, typical of Chrome\'s extension shuffling (Chromium 110+), so probably the same client.';
  else if (cipher === 'order' && (ext === 'same' || ext === undefined) && findings.length === 1) conclusion = 'same cipher suites in another order of preference: the same library configured differently (or a client that shuffles its suites).';
  else conclusion = 'the fingerprints differ; see the findings.';
  return { equal: { ja4: ja4Equal, ja3: ja3Equal }, findings, conclusion };
}

/** Why two JA4H fingerprints differ: header order versus header set, cookie names versus values. */
export interface Ja4hSide {
  name: string;
  ja4h: string;
  ja4h_ro?: string;
  /** The lists themselves, when the request is at hand (raw forms are ambiguous when names contain `_`). */
  parts?: { headers: string[]; names: string[]; pairs: string[] };
}

export function diffJa4h(A: Ja4hSide, B: Ja4hSide): FingerprintDiff {
  const findings: string[] = [];
  const [a1, ...ra] = A.ja4h.split('_'), [b1, ...rb] = B.ja4h.split('_');
  const equal = A.ja4h === B.ja4h;
  if (a1 && b1) {
    if (a1.slice(0, 2) !== b1.slice(0, 2)) findings.push(`method ${a1.slice(0, 2)} vs ${b1.slice(0, 2)}`);
    if (a1.slice(2, 4) !== b1.slice(2, 4)) findings.push(`HTTP version ${a1.slice(2, 4)} vs ${b1.slice(2, 4)}`);
    if (a1[4] !== b1[4]) findings.push(`Cookie header ${a1[4] === 'c' ? 'in A only' : 'in B only'}`);
    if (a1[5] !== b1[5]) findings.push(`Referer header ${a1[5] === 'r' ? 'in A only' : 'in B only'}`);
    if (a1.slice(6, 8) !== b1.slice(6, 8)) findings.push(`${Number(a1.slice(6, 8))} vs ${Number(b1.slice(6, 8))} headers`);
    if (a1.slice(8, 12) !== b1.slice(8, 12)) findings.push(`Accept-Language ${a1.slice(8, 12)} vs ${b1.slice(8, 12)}`);
  }
  // The raw original-order form: a_<headers>_<cookie names>_<name=value pairs>; names may contain '_',
  // so split on the a-part and then on the sections' known structure from the hashed form.
  const rawParts = (ro: string | undefined): { headers: string[]; names: string[]; pairs: string[] } | undefined => {
    if (!ro) return undefined;
    const rest = ro.slice(ro.indexOf('_') + 1);
    const [headers = '', ...more] = rest.split('_');
    const tail = more.join('_');
    // Cookie names never contain '=' while pairs do: the pairs section starts at the first name=value.
    const eq = tail.indexOf('=');
    const cut = eq < 0 ? tail.lastIndexOf('_') : tail.lastIndexOf('_', eq);
    const names = cut < 0 ? tail : tail.slice(0, cut), pairs = cut < 0 ? '' : tail.slice(cut + 1);
    const l = (x: string): string[] => (x ? x.split(',') : []);
    return { headers: l(headers), names: l(names), pairs: l(pairs) };
  };
  const pa = A.parts ?? rawParts(A.ja4h_ro), pb = B.parts ?? rawParts(B.ja4h_ro);
  let headerVerdict: 'same' | 'order' | 'set' | undefined;
  if (pa && pb) {
    headerVerdict = setDiff('headers', pa.headers, pb.headers, findings);
    const namesSame = [...pa.names].sort().join() === [...pb.names].sort().join();
    if (!namesSame) setDiff('cookie names', pa.names, pb.names, findings);
    else if ([...pa.pairs].sort().join() !== [...pb.pairs].sort().join()) findings.push('same cookie names, different cookie values');
  } else if (ra.length === 3 && rb.length === 3) {
    if (ra[0] !== rb[0]) findings.push('the header-name hash differs (give the ja4h_ro forms to see which headers)');
    if (ra[1] !== rb[1]) findings.push('the cookie-name hash differs');
    else if (ra[2] !== rb[2]) findings.push('same cookie names, different cookie values');
  }
  let conclusion: string;
  if (equal) conclusion = 'identical JA4H: same method, version, headers and cookies.';
  else if (findings.length === 1 && findings[0] === 'same cookie names, different cookie values') conclusion = 'only cookie values differ: the same client, another session or user (JA4H\'s last part tracks the cookie values).';
  else if (headerVerdict === 'order' && findings.every((f) => f.startsWith('same headers'))) conclusion = 'same headers in another order: a different client or library that sends the same header set.';
  else if (headerVerdict === 'set') conclusion = 'different header sets: different clients, or the same client doing something else (another method, an XHR, a form post).';
  else conclusion = 'the requests differ; see the findings.';
  return { equal: { ja4: null, ja3: null }, findings, conclusion };
}
