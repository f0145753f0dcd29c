#!/usr/bin/env node
// `npm start`: builds and launches the desktop app. Where it cannot (no Electron binary, as on
// machines without internet access, or no desktop shell in this checkout yet) it says so in one
// line and names the headless commands, without a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HEADLESS = 'use the headless commands instead: npx helloscope read <capture.pcap>, npx helloscope hello <hello.bin>, npx helloscope http <request.txt>';

function stop(msg) {
  process.stderr.write(`helloscope: ${msg}; ${HEADLESS}\n`);
  process.exit(1);
}

if (!existsSync(join(ROOT, 'electron/main.ts'))) stop('the desktop app is not part of this build yet (electron/main.ts is missing)');

let electronPath;
try {
  // The electron package exports the path of its binary; it throws when the download never happened.
  electronPath = createRequire(import.meta.url)('electron');
} catch {
  electronPath = undefined;
}
if (typeof electronPath !== 'string' || !existsSync(electronPath)) stop('the Electron binary is not installed (npm install could not download it)');

const build = spawnSync(process.execPath, [join(ROOT, 'build/scripts/build-node.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const app = spawnSync(electronPath, [ROOT], { stdio: 'inherit' });
process.exit(app.status ?? 0);
