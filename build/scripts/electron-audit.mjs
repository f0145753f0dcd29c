#!/usr/bin/env node
// `npm run audit:electron`: Doyensec's electronegativity over the Electron shell (main, preload,
// shell/) and the built renderer page. It is installed on first use into its own folder (it
// needs TypeScript 4 and must not meet the project's TypeScript 7). Exits 1 on any HIGH or
// MEDIUM finding that docs/security.md does not justify; prints every finding as
// `CHECK severity/confidence file:line` and a last line `audit: N findings, M unjustified`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = '1.10.3';
const TOOL_DIR = process.env.HELLOSCOPE_AUDIT_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'helloscope', `electronegativity-${VERSION}`);
const BIN = join(TOOL_DIR, 'node_modules/.bin/electronegativity');

if (!existsSync(BIN)) {
  mkdirSync(TOOL_DIR, { recursive: true });
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', TOOL_DIR, `@doyensec/electronegativity@${VERSION}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(BIN)) { process.stderr.write(`audit: could not install electronegativity ${VERSION}:\n${r.stderr}\n`); process.exit(2); }
}
if (!existsSync(join(ROOT, 'dist/renderer/index.html'))) { process.stderr.write('audit: build first (npm run build)\n'); process.exit(2); }

// What the app runs: the shell's sources and the page as built (with its CSP).
const stage = mkdtempSync(join(tmpdir(), 'hs-audit-'));
cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));
mkdirSync(join(stage, 'electron'));
cpSync(join(ROOT, 'electron/main.ts'), join(stage, 'electron/main.ts'));
cpSync(join(ROOT, 'electron/preload.ts'), join(stage, 'electron/preload.ts'));
cpSync(join(ROOT, 'electron/shell'), join(stage, 'electron/shell'), { recursive: true });
cpSync(join(ROOT, 'dist/renderer/index.html'), join(stage, 'index.html'));
const csv = join(stage, 'findings.csv');
const run = spawnSync(BIN, ['-i', stage, '-r', '-v', 'false', '-e', JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version, '-o', csv], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
if (!existsSync(csv)) { process.stderr.write(`audit: electronegativity failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}\n`); process.exit(2); }

// "CHECK_ID" rows of docs/security.md's justification table.
const justified = new Set([...readFileSync(join(ROOT, 'docs/security.md'), 'utf8').matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((line) => {
  const cells = [...line.matchAll(/("([^"]*)"|[^,]*)(,|$)/g)].map((m) => m[2] ?? m[1]);
  return { check: cells[0], severity: cells[1], confidence: cells[2], file: cells[3], location: cells[4] };
}).filter((r) => r.check);
rmSync(stage, { recursive: true, force: true });
let unjustified = 0;
for (const r of rows) {
  const serious = r.severity === 'HIGH' || r.severity === 'MEDIUM';
  const ok = !serious || justified.has(r.check);
  if (!ok) unjustified++;
  process.stdout.write(`${r.check} ${r.severity}/${r.confidence} ${r.file}:${r.location}${serious ? (ok ? ' (justified in docs/security.md)' : ' UNJUSTIFIED') : ''}\n`);
}
process.stdout.write(`audit: ${rows.length} findings, ${unjustified} unjustified high/medium\n`);
process.exit(unjustified ? 1 : 0);
