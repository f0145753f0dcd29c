#!/usr/bin/env node
// `npm start`: builds and launches the desktop app. Electron's npm package fetches its binary on
// first use; where that cannot happen (no internet access, as on the build machines) this says
// so in one line and names the headless commands, without a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HEADLESS = 'use the headless commands instead: npx helloscope read <capture.pcap>, npx helloscope hello <hello.bin>, npx helloscope http <request.txt>, npx helloscope listen';

function stop(msg) {
  process.stderr.write(`helloscope: ${msg}; ${HEADLESS}\n`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  stop('the electron package is not installed (run npm install)');
}

/** The binary electron's package would run, or undefined when it is not on disk. */
function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return require('electron');
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(exe) ? exe : undefined;
}

let exe = electronBinary();
if (!exe) {
  const tty = process.stderr.isTTY;
  if (tty) process.stderr.write('helloscope: fetching the Electron binary (first start)...');
  // electron's own installer, quietly: its failure is reported below in one line.
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'ignore', env: process.env });
  if (tty) process.stderr.write('\r\x1b[K');
  exe = electronBinary();
}
if (!exe) stop('the Electron binary is not installed and could not be downloaded (no internet access?)');

// Main, preload and worker (esbuild), then the renderer (Vite).
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) process.exit(build.status ?? 1);
const app = spawnSync(exe, [ROOT, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(app.status ?? 0);
