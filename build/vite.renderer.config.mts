// Builds the renderer (renderer/) into dist/renderer/. The Content-Security-Policy (core/app-csp.ts) is
// written into index.html here, so the page carries it wherever it is served from.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { APP_CSP_META } from '../core/app-csp.ts';

const csp: Plugin = {
  name: 'helloscope-csp',
  transformIndexHtml: (html) => html.replace('%APP_CSP%', APP_CSP_META),
};

/** Writes THIRD-PARTY-LICENSES.txt beside the bundle: every npm package the renderer bundle holds, with its licence text. */
const licences: Plugin = {
  name: 'helloscope-licences',
  generateBundle(_opts, bundle) {
    const packages = new Map<string, string>();
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      for (const id of Object.keys(chunk.modules)) {
        const m = /^(.*node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id.replace(/^\0/, ''));
        if (m) packages.set(m[1]!, m[1]!);
      }
    }
    const parts: string[] = [];
    for (const dir of [...packages.keys()].sort()) {
      let pkg: { name?: string; version?: string; license?: string };
      try { pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')); } catch { continue; }
      const file = existsSync(dir) ? readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f)) : undefined;
      parts.push(`${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})\n${'-'.repeat(72)}\n${file ? readFileSync(join(dir, file), 'utf8').trim() : '(no licence file in the package)'}\n`);
    }
    this.emitFile({ type: 'asset', fileName: 'THIRD-PARTY-LICENSES.txt', source: `Third-party packages bundled in Helloscope's renderer\n\n${parts.join('\n')}` });
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('../renderer', import.meta.url)),
  base: './',
  plugins: [react(), csp, licences],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
