#!/usr/bin/env node
// `npm run gen:examples`: bundles gen-examples.ts with esbuild and runs it.
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'dist/build/gen-examples.mjs');
await build({ entryPoints: [join(root, 'build/scripts/gen-examples.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
process.argv[2] = root;
await import(pathToFileURL(out).href);
