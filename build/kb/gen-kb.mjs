#!/usr/bin/env node
// `npm run gen:kb`: regenerates core/knowledge/data/kb-data.ts, all of it, dated:
// 1. the clients recorded on this machine for the knowledge base (build/kb/recordings, made by
//    `HS_RECORD_OUT=build/kb/recordings npm run record:clients`; separate runs from the test
//    fixtures, so tests recognise clients from captures the entries were not made from). JA4, JA3
//    from hello.bin; JA4H (and Akamai over HTTP/2) from the first request of the same connection,
//    decrypted with the recording's key log (none for wget, Ruby, Java, PHP, Perl: no JA4H); the
//    plain-HTTP recordings (no TLS) give HTTP-only entries (empty ja4, JA4H only). All computed
//    by the built CLI.
// 2. browser builds that cannot run here, from curl-impersonate's signatures (lwthiker's and the
//    lexiforest fork's, ../shared/data): ClientHello and first request rebuilt from the signature
//    (impersonate-signatures.mjs) and fingerprinted by the core (JA3/JA4 by the CLI; JA4H and
//    Akamai by core's computeJa4h/computeAkamai, bundled here with esbuild).
// 3. Salesforce's JA3 list (../shared/data/salesforce-ja3, BSD-3): JA3-only rows, kept compact.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { signatureHellos } from './impersonate-signatures.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rec = join(root, 'build/kb/recordings');
const cli = join(root, 'dist/cli/helloscope.mjs');
const sharedData = resolve(root, '../shared/data');
const helloscope = (args, input) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', ...(input ? { input } : {}), maxBuffer: 64 << 20 });

// Core's JA4H and Akamai, bundled from the TypeScript sources (pure: no Node, no DOM).
const bundled = await build({
  stdin: { contents: "export { computeJa4h } from './core/fingerprint/ja4plus/ja4h.ts'; export { computeAkamai } from './core/fingerprint/akamai.ts';", resolveDir: root, loader: 'ts' },
  bundle: true, format: 'esm', platform: 'neutral', mainFields: ['module', 'main'], write: false, logLevel: 'warning',
});
const core = await import(`data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`);

const shortVersion = (v) => /(\d+(?:\.\d+){1,3})/.exec(v ?? '')?.[1] ?? '';
const entries = [];

// 1. Our recordings.
for (const id of readdirSync(rec).sort()) {
  const dir = join(rec, id);
  if (!existsSync(join(dir, 'meta.json'))) continue;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const version = shortVersion(meta.version);
  const label = `${meta.client}${version ? ' ' + version : ''} (${id})`;
  if (!existsSync(join(dir, 'hello.bin'))) {
    // Plain HTTP (no TLS): an HTTP-only entry (no JA4, no JA3), found by JA4H alone.
    if (!existsSync(join(dir, 'capture.pcap'))) continue;
    const http = helloscope(['read', join(dir, 'capture.pcap')]).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((c) => c.http?.length)?.http[0];
    if (http?.ja4h) entries.push({ label, client: meta.client, version, library: meta.library, os: meta.os, ja4: '', ja4h: http.ja4h, source: `recorded on ${meta.recorded} (${id})` });
    continue;
  }
  const fp = JSON.parse(helloscope(['hello', join(dir, 'hello.bin')]));
  let http;
  if (existsSync(join(dir, 'capture.pcap')) && existsSync(join(dir, 'keylog.txt'))) {
    const conns = helloscope(['read', join(dir, 'capture.pcap'), '--keylog', join(dir, 'keylog.txt')]).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    http = conns.find((c) => c.ja4 === fp.ja4 && c.http?.length)?.http[0];
  }
  entries.push({
    label, client: meta.client, version, library: meta.library, os: meta.os,
    ja4: fp.ja4, ja4_r: fp.ja4_r, ja3: fp.ja3, ...(http?.ja4h ? { ja4h: http.ja4h } : {}), ...(http?.akamai !== undefined ? { akamai: http.akamai } : {}),
    source: `recorded on ${meta.recorded} (${id})`,
  });
}

// 2. curl-impersonate signatures: lwthiker's, then the lexiforest profiles lwthiker does not have.
const OS = { win10: 'Windows 10', win11: 'Windows 11', macos: 'macOS', macos12: 'macOS 12', macos13: 'macOS 13', 'macos11.6.4': 'macOS 11.6.4', 'macos12.4': 'macOS 12.4', linux: 'Linux', android: 'Android', android12: 'Android 12', android14: 'Android 14', ios: 'iOS' };
const osName = (o) => OS[String(o).toLowerCase()] ?? String(o);
const CLIENT = { chrome: 'Chrome', edge: 'Edge', firefox: 'Firefox', safari: 'Safari', tor: 'Tor Browser' };
const SETS = [
  { dir: 'curl-impersonate', cite: 'MIT, lwthiker/curl-impersonate @ 822dbefe' },
  { dir: 'curl-impersonate-lexiforest', cite: 'MIT, lexiforest/curl-impersonate @ ff5d2b1c' },
];
const seen = new Set();
for (const set of SETS) {
  const dir = join(sharedData, set.dir);
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    for (const s of signatureHellos(join(dir, f))) {
      if (seen.has(s.name)) continue; // lexiforest kept 14 lwthiker profiles unchanged (TLS identical, no SETTINGS)
      seen.add(s.name);
      const fp = JSON.parse(helloscope(['hello', '-'], s.hello));
      const client = CLIENT[s.browser.name] ?? s.browser.name;
      const os = osName(s.browser.os);
      entries.push({
        label: `${client} ${s.browser.version} on ${os} (curl-impersonate signature)`, client, version: String(s.browser.version),
        library: s.browser.name === 'firefox' || s.browser.name === 'tor' ? 'NSS' : s.browser.name === 'safari' ? 'Apple' : 'BoringSSL', os,
        ja4: fp.ja4, ja4_r: fp.ja4_r, ja3: fp.ja3,
        ...(s.request ? { ja4h: core.computeJa4h(s.request).ja4h } : {}), ...(s.preface ? { akamai: core.computeAkamai(s.preface).akamai } : {}),
        source: `curl-impersonate signature ${s.name} (${set.cite})`,
      });
    }
  }
}

// 3. Salesforce's JA3 list: `md5,"names"` rows after a quoted multi-line copyright notice.
const ja3Rows = [];
const sfFile = join(sharedData, 'salesforce-ja3/osx-nix-ja3.csv');
if (existsSync(sfFile)) {
  for (const m of readFileSync(sfFile, 'utf8').matchAll(/^([0-9a-f]{32}),"([^"]*)"\s*$/gm)) ja3Rows.push([m[1], m[2].trim()]);
}

mkdirSync(join(root, 'core/knowledge/data'), { recursive: true });
const day = new Date().toISOString().slice(0, 10);
const ts = `// Generated by build/kb/gen-kb.mjs (npm run gen:kb) on ${day}; do not edit by hand.
// Sources, licences and caveats: core/knowledge/data/README.md.
import type { KbEntry } from '../lookup.js';

export const KB_GENERATED = '${day}';

/** Recorded clients and curl-impersonate browser signatures: JA4, JA4_r, JA3, JA4H and Akamai where known. */
const FULL: readonly KbEntry[] = [
${entries.map((e) => ` ${JSON.stringify(e)},`).join('\n')}
];

/**
 * Salesforce's JA3 list (salesforce/ja3 lists/osx-nix-ja3.csv, 2017-2018; BSD-3-Clause, Copyright
 * (c) 2017, Salesforce.com, Inc.; notice in LICENSE-salesforce-ja3): [JA3 md5, application names].
 */
export const SALESFORCE_JA3: readonly (readonly [string, string])[] = [
${ja3Rows.map((r) => ` ${JSON.stringify(r)},`).join('\n')}
];

/** JA3-only entries: \`ja4\` is empty, there is nothing else to compare. */
const JA3_ONLY: readonly KbEntry[] = SALESFORCE_JA3.map(([ja3, client]) => ({ label: \`\${client} (Salesforce JA3 list, 2017)\`, client, ja4: '', ja3, source: 'salesforce-ja3' }));

export const KB_ENTRIES: readonly KbEntry[] = [...FULL, ...JA3_ONLY];
`;
writeFileSync(join(root, 'core/knowledge/data/kb-data.ts'), ts);
console.log(`${entries.length} entries and ${ja3Rows.length} JA3-only rows written to core/knowledge/data/kb-data.ts`);
