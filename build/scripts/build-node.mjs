#!/usr/bin/env node
// Bundles the Node-side entry points (CLI, Electron main and preload, workers) into dist/ with
// esbuild. Runs on `npm ci`/`npm install` (prepare) so `npx helloscope` works on a fresh clone.
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entries = [
  // [entry, outfile, format, extra options]
  ['electron/cli/main.ts', 'dist/cli/helloscope.mjs', 'esm', { banner: { js: "#!/usr/bin/env node\nimport { createRequire as __hsCreateRequire } from 'node:module'; const require = __hsCreateRequire(import.meta.url);" } }],
  // The finishing thread of `helloscope read` on large files (found next to the CLI bundle).
  ['electron/cli/read/finisher-worker.ts', 'dist/cli/read-finisher.mjs', 'esm', { banner: { js: "import { createRequire as __hsCreateRequire } from 'node:module'; const require = __hsCreateRequire(import.meta.url);" } }],
  // The listener as a library, for the load test and the listener benchmark.
  ['electron/services/listener/index.ts', 'dist/services/listener.mjs', 'esm', {}],
  // The desktop app: main process, preload (sandboxed: one CommonJS file that requires only
  // electron), and the capture worker thread.
  ['electron/main.ts', 'dist/electron/main.cjs', 'cjs', {}],
  ['electron/preload.ts', 'dist/electron/preload.cjs', 'cjs', {}],
  ['electron/services/capture-loader/worker.ts', 'dist/electron/capture-worker.cjs', 'cjs', {}],
];
const optional = (p) => existsSync(join(root, p));

await Promise.all(entries.filter(([entry]) => optional(entry)).map(([entry, outfile, format, extra]) => build({
  entryPoints: [join(root, entry)],
  outfile: join(root, outfile),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  external: ['electron'],
  ...extra,
})));
chmodSync(join(root, 'dist/cli/helloscope.mjs'), 0o755);
