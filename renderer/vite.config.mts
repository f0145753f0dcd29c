// Builds the renderer into dist/renderer/. The Content-Security-Policy (core/app-csp.ts) is
// written into index.html here, so the page carries it wherever it is served from.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { APP_CSP_META } from '../core/app-csp.ts';

const csp: Plugin = {
  name: 'helloscope-csp',
  transformIndexHtml: (html) => html.replace('%APP_CSP%', APP_CSP_META),
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), csp],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
