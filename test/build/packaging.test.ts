// Packaging check: electron-builder's `dir` target against a stand-in Electron distribution (the
// real binary cannot be downloaded here), then what went into app.asar: the built main, preload,
// capture worker and renderer, the licence notices; no sources, tests, source maps or
// node_modules (so no dev dependencies).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

const asar = createRequire(import.meta.url)('@electron/asar') as { listPackage(p: string): string[]; extractFile(p: string, f: string): Buffer };

describe('electron-builder package (dir target, stand-in electronDist)', () => {
  const work = mkdtempSync(join(tmpdir(), 'hs-pack-'));
  const dist = join(work, 'electron-dist');
  mkdirSync(join(dist, 'resources'), { recursive: true });
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho stand-in electron\n');
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'LICENSE'), 'stand-in');
  writeFileSync(join(dist, 'version'), '45.4.1');
  const out = join(work, 'release');
  const run = spawnSync(join(ROOT, 'node_modules/.bin/electron-builder'), ['--linux', 'dir', '-c', 'build/electron-builder.yml', `-c.electronDist=${dist}`, `-c.directories.output=${out}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const archive = join(out, 'linux-unpacked/resources/app.asar');

  it('builds', () => {
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(existsSync(archive)).toBe(true);
  });

  it('holds the built app and nothing else', () => {
    const files = asar.listPackage(archive).map((f) => f.replace(/\\/g, '/'));
    for (const f of ['/package.json', '/LICENSE', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/electron/capture-worker.cjs', '/dist/renderer/index.html', '/dist/renderer/THIRD-PARTY-LICENSES.txt', '/core/fingerprint/ja4plus/LICENSE-NOTICE.md']) expect(files).toContain(f);
    expect(files.some((f) => /^\/dist\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(files.filter((f) => /\.(ts|tsx|mts)$/.test(f) || f.startsWith('/test') || f.startsWith('/electron') || f.startsWith('/renderer'))).toEqual([]);
    expect(files.filter((f) => /^\/core\//.test(f) && !f.endsWith('/') && !/LICENSE/.test(f) && !['/core', '/core/fingerprint', '/core/fingerprint/ja4plus', '/core/knowledge', '/core/knowledge/data'].includes(f))).toEqual([]);
  });

  it('points at the bundled main, unpacks the worker, and carries the CSP in its page', () => {
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
    expect(pkg.main).toBe('dist/electron/main.cjs');
    expect(existsSync(join(out, 'linux-unpacked/resources/app.asar.unpacked/dist/electron/capture-worker.cjs'))).toBe(true);
    const html = asar.extractFile(archive, 'dist/renderer/index.html').toString('utf8');
    expect(html).toContain("script-src 'self'");
    expect(html).not.toContain('unsafe-eval');
    // The preload is one CommonJS file that needs nothing but electron (sandboxed preloads cannot require files).
    const preload = asar.extractFile(archive, 'dist/electron/preload.cjs').toString('utf8');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(readFileSync(join(ROOT, 'build/electron-builder.yml'), 'utf8')).toMatch(/AppImage[\s\S]*deb[\s\S]*dmg[\s\S]*nsis/);
  });
});
