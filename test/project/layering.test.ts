// The layering rule (as VS Code's code-layering lint): core imports nothing of ours and no
// Node, Electron, React or DOM; the renderer imports no Node or Electron; services never
// import Electron. This test fails on the first forbidden import, naming file and line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const NODE = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const CORE_PACKAGES = ['@noble/hashes', '@noble/ciphers'];

function files(dir: string): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    if (e === 'node_modules' || e === 'dist' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (/\.(ts|tsx|mts|cts)$/.test(e)) out.push(p);
  }
  return out;
}

interface Import { file: string; line: number; spec: string }
function importsOf(file: string): Import[] {
  const out: Import[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/(?:^|[^\w.])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(?\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      out.push({ file, line: i + 1, spec: (m[1] ?? m[2] ?? m[3])! });
    }
  });
  return out;
}

const where = (i: Import): string => `${relative(ROOT, i.file)}:${i.line} imports ${i.spec}`;
const target = (i: Import): string => resolve(dirname(i.file), i.spec);

export function layeringViolations(): string[] {
  const bad: string[] = [];
  for (const i of files(join(ROOT, 'core')).flatMap(importsOf)) {
    if (i.spec.startsWith('.')) {
      if (!target(i).startsWith(join(ROOT, 'core'))) bad.push(`Bad layering: ${where(i)} (core imports only core)`);
    } else if (NODE.has(i.spec) || i.spec.startsWith('node:')) bad.push(`Bad layering: ${where(i)} (core must not use Node)`);
    else if (!CORE_PACKAGES.some((p) => i.spec === p || i.spec.startsWith(p + '/'))) bad.push(`Bad layering: ${where(i)} (core may only use ${CORE_PACKAGES.join(', ')})`);
  }
  for (const i of files(join(ROOT, 'renderer')).flatMap(importsOf)) {
    if (NODE.has(i.spec) || i.spec.startsWith('node:') || i.spec === 'electron' || i.spec.startsWith('electron/')) bad.push(`Bad layering: ${where(i)} (the renderer must not use Node or Electron)`);
    if (i.spec.startsWith('.') && target(i).startsWith(join(ROOT, 'electron'))) bad.push(`Bad layering: ${where(i)} (the renderer reaches the main process only through the preload API)`);
  }
  for (const i of files(join(ROOT, 'electron')).flatMap(importsOf)) {
    const rel = relative(join(ROOT, 'electron'), i.file);
    const isShell = rel === 'main.ts' || rel === 'preload.ts' || rel.startsWith('shell/');
    if (!isShell && (i.spec === 'electron' || i.spec.startsWith('electron/'))) bad.push(`Bad layering: ${where(i)} (only electron/main.ts, preload.ts and shell/ may import electron)`);
    if (i.spec.startsWith('.') && target(i).startsWith(join(ROOT, 'renderer'))) bad.push(`Bad layering: ${where(i)} (electron must not import the renderer)`);
  }
  return bad;
}

describe('layering', () => {
  it('finds imports (the scanner works)', () => {
    expect(importsOf(join(ROOT, 'core/tls/parse-tls.ts')).map((i) => i.spec)).toContain('./records.js');
  });
  it('core, renderer and electron services respect their layers', () => {
    expect(layeringViolations()).toEqual([]);
  });
});
