// Bundles a TypeScript bench entry with esbuild and imports it.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export async function importTs(entry) {
  const out = join(root, 'dist/bench', entry.replace(/[/\\]/g, '_').replace(/\.ts$/, '.mjs'));
  mkdirSync(dirname(out), { recursive: true });
  await build({ entryPoints: [join(root, entry)], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  return import(pathToFileURL(out).href);
}
export { root };
