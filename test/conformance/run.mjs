#!/usr/bin/env node
// `npm run conformance`: runs the built CLI (`helloscope read`) on every FoxIO capture in
// ../shared/conformance/foxio-ja4/pcap, compares each method with FoxIO's expected outputs and the
// tshark JA3 oracle, and prints pass/fail counts per method and source. Mismatches must be listed
// in test/conformance/allow-list.json with a reason explained in docs/conformance.md; anything else
// (or an allow-list entry that no longer happens) is reported and makes the exit status 1.
// Options: --json <file> writes every check; --quiet prints only the table.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareCapture, loadExpected, METHODS, summarize } from './compare.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CONFORMANCE = resolve(ROOT, '../shared/conformance/foxio-ja4');
const CLI = join(ROOT, 'dist/cli/helloscope.mjs');

/** Runs `helloscope read` on one capture: its records, or an error string. */
export function readCapture(pcap) {
  const r = spawnSync(process.execPath, [CLI, 'read', join(CONFORMANCE, 'pcap', pcap), '--format', 'ndjson'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && !r.stdout) return { error: (r.stderr || `exit ${r.status}`).trim().split('\n')[0] };
  return { records: r.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)), stderr: r.stderr };
}

/**
 * An allow-list entry names a mismatch: `pcap`, `source`, `method`, optionally `conn`, `expected`
 * and `got` (exact), or `gotPattern` (a regular expression the value we print must match). A
 * field left out matches anything, so a broad entry (say, every Python ja4l_c) is possible, but
 * each entry must still match at least one mismatch, and `reason` must be a section of
 * docs/conformance.md.
 */
export function allowListMatches(e, c) {
  const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  if (e.source !== c.source || e.method !== c.method) return false;
  if (e.pcap !== undefined && e.pcap !== c.pcap) return false;
  if (e.conn !== undefined && e.conn !== c.conn) return false;
  if ('expected' in e && !eq(e.expected, c.expected)) return false;
  if ('got' in e && !eq(e.got, c.got)) return false;
  if (e.gotPattern !== undefined && !new RegExp(e.gotPattern).test(JSON.stringify(c.got))) return false;
  return true;
}

export function loadAllowList() {
  return JSON.parse(readFileSync(join(ROOT, 'test/conformance/allow-list.json'), 'utf8'));
}

/** Runs everything; returns { checks, errors, unexplained, stale, notImplemented }. */
export function runConformance() {
  const pcaps = readdirSync(join(CONFORMANCE, 'pcap')).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort();
  const checks = [];
  const errors = [];
  for (const pcap of pcaps) {
    const expected = loadExpected(CONFORMANCE, pcap);
    const r = readCapture(pcap);
    if (r.error) {
      errors.push({ pcap, error: r.error });
      continue;
    }
    checks.push(...compareCapture(pcap, r.records, expected));
  }
  // A method no record ever carries is not implemented yet (JA4H until the HTTP work lands).
  const notImplemented = METHODS.filter((m) => checks.some((c) => c.method === m) && !checks.some((c) => c.method === m && c.got !== null && !(Array.isArray(c.got) && c.got.length === 0)));
  const allow = loadAllowList();
  const fails = checks.filter((c) => !c.ok && !notImplemented.includes(c.method));
  const used = new Set();
  const unexplained = [];
  for (const c of fails) {
    const i = allow.entries.findIndex((e) => allowListMatches(e, c));
    if (i < 0) unexplained.push(c);
    else {
      used.add(i);
      c.reason = allow.entries[i].reason;
    }
  }
  const stale = allow.entries.filter((_, i) => !used.has(i));
  return { checks, errors, unexplained, stale, notImplemented, allow };
}

function printTable({ checks, notImplemented }) {
  const t = summarize(checks);
  const sources = ['rust', 'python', 'wireshark', 'tshark'];
  const cell = (c) => (c ? `${c.pass}/${c.pass + c.fail}` : '-');
  const lines = [['method', ...sources.map((s) => `${s} pass/total`)]];
  for (const m of METHODS) {
    if (notImplemented.includes(m)) lines.push([m, 'not implemented', '', '', '']);
    else lines.push([m, ...sources.map((s) => cell(t[m]?.[s]))]);
  }
  const w = lines[0].map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  for (const l of lines) console.log(l.map((v, i) => String(v).padEnd(w[i])).join('  '));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!existsSync(CLI)) {
    console.error(`conformance: ${CLI} not built; run npm run build`);
    process.exit(1);
  }
  const res = runConformance();
  printTable(res);
  const total = res.checks.length, pass = res.checks.filter((c) => c.ok).length;
  const allowed = res.checks.filter((c) => !c.ok).length - res.unexplained.length;
  console.log(`conformance: ${pass}/${total} checks equal FoxIO's outputs; ${allowed} documented differences (docs/conformance.md); ${res.unexplained.length} unexplained; ${res.stale.length} stale allow-list entries${res.errors.length ? `; ${res.errors.length} captures failed to read` : ''}`);
  const quiet = process.argv.includes('--quiet');
  for (const e of res.errors) console.log(`  read failed: ${e.pcap}: ${e.error}`);
  if (!quiet) {
    for (const c of res.unexplained) console.log(`  unexplained: ${c.pcap} ${c.source} ${c.method} ${c.conn}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.got)}`);
    for (const e of res.stale) console.log(`  stale allow-list entry: ${e.pcap} ${e.source} ${e.method} ${e.conn} (${e.reason})`);
  }
  const ji = process.argv.indexOf('--json');
  if (ji > 0) {
    mkdirSync(dirname(resolve(process.argv[ji + 1])), { recursive: true });
    writeFileSync(resolve(process.argv[ji + 1]), JSON.stringify(res, null, 2));
  }
  process.exit(res.unexplained.length || res.stale.length || res.errors.length ? 1 : 0);
}
