#!/usr/bin/env node
// `npm run bench:renderer [-- --connections 100000] [--write]`: the desktop renderer (built, in
// Debian's Chromium, wired to the real handlers and capture worker as in the end-to-end tests)
// opening a capture of N TLS connections (test/bench/synth-capture.mjs). Reports time to the
// first rows, time to the full list, the renderer's JS heap, sorting the full list by JA4, and
// frame times while scrolling it end to end. --write puts the table in BENCHMARKS.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { root } from './bundle.mjs';
import { writeSynthCapture } from './synth-capture.mjs';

const args = process.argv.slice(2);
const N = args.includes('--connections') ? Number(args[args.indexOf('--connections') + 1]) : 100_000;
const out = join(root, 'dist/bench/e2e-harness.mjs');
await build({ entryPoints: [join(root, 'test/e2e/harness.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
const { openApp, dropFile, closeBrowser } = await import(pathToFileURL(out).href);
const handlersOut = join(root, 'dist/bench/app-handlers.mjs');
await build({ entryPoints: [join(root, 'electron/services/app/handlers.ts')], outfile: handlersOut, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning' });
let workerOnly = 0;

const dir = mkdtempSync(join(tmpdir(), 'hs-bench-renderer-'));
const file = join(dir, `connections-${N}.pcap`);
const t0 = performance.now();
const { size, templates } = writeSynthCapture(file, N, root);
process.stderr.write(`capture: ${N} connections from ${templates} recorded clients, ${(size / 1048576).toFixed(1)} MB, written in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

const app = await openApp();
const { page } = app;
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
const heap = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  const m = (await cdp.send('Performance.getMetrics')).metrics;
  return m.find((x) => x.name === 'JSHeapUsedSize').value;
};
const heapBefore = await heap();
// The handlers alone (no page), for the share of the time that is the capture worker's.
{
  const { createAppHandlers } = await import(pathToFileURL(handlersOut).href);
  let doneAt = 0;
  const t = performance.now();
  const h = createAppHandlers({ dataDir: dir, captureWorker: join(root, 'dist/electron/capture-worker.cjs'), emit: (e, p) => { if (e === 'progress' && p.done) doneAt = performance.now(); }, chooseOpenPath: async () => null, chooseSavePath: async () => null });
  await h.openCapture({ path: file });
  while (!doneAt) await new Promise((r) => setTimeout(r, 20));
  workerOnly = doneAt - t;
  await h.dispose();
}
const started = performance.now();
await dropFile(page, file);
await page.waitForSelector('.row', { timeout: 120_000 });
const firstRows = performance.now() - started;
await page.waitForFunction((n) => document.querySelector('[data-testid="row-count"]')?.textContent?.startsWith(`${n.toLocaleString ? n : n} connections`) && document.querySelector('.source-tab.active .meta')?.textContent === String(n), N, { timeout: 600_000, polling: 100 });
const fullList = performance.now() - started;
const lastRowsSent = app.bridge.lastRowsAt - started;
const heapAfter = await heap();

// Sort 100k rows by JA4: click, then wait until the first row shows the smallest JA4.
const sortStart = performance.now();
await page.locator('[data-sort="ja4"]').click();
await page.waitForFunction(() => document.querySelector('[data-sort="ja4"]')?.getAttribute('aria-sort') === 'ascending' && document.querySelector('.row') !== null);
await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const sortMs = performance.now() - sortStart;

// Scroll from top to bottom in 60 steps of one animation frame each, recording frame times.
const frames = await page.evaluate(async () => {
  const el = document.querySelector('[data-testid="connections"]');
  const times = [];
  let last = performance.now();
  const steps = 60;
  for (let i = 1; i <= steps; i++) {
    el.scrollTop = (el.scrollHeight - el.clientHeight) * (i / steps);
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    times.push(now - last);
    last = now;
  }
  return { times, rowsInDom: document.querySelectorAll('.row').length, lastRow: document.querySelector('.row:last-child')?.getAttribute('data-row') };
});
const sorted = [...frames.times].sort((a, b) => a - b);
const p = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
await app.close();
await closeBrowser();
rmSync(dir, { recursive: true, force: true });

const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
const lines = [
  `Command: \`npm run bench:renderer\` (${new Date().toISOString().slice(0, 10)}, ${process.platform} ${process.arch}, Node ${process.version}, Debian Chromium headless)`,
  '',
  `${N.toLocaleString('en')} TLS connections (${templates} recorded clients' hellos and server flights), capture of ${mb(size)}`,
  '',
  '| measurement | value |',
  '| --- | ---: |',
  `| time to first rows (drop to first row on screen) | ${(firstRows / 1000).toFixed(2)} s |`,
  `| time to full list (all ${N.toLocaleString('en')} rows, reading done) | ${(fullList / 1000).toFixed(2)} s |`,
  `| of which: the last rows left the handlers at | ${(lastRowsSent / 1000).toFixed(2)} s (${app.bridge.rowEvents} row batches through the test bridge) |`,
  `| the same capture through the handlers and worker alone (no page) | ${(workerOnly / 1000).toFixed(2)} s |`,
  `| renderer JS heap before / after (after GC) | ${mb(heapBefore)} / ${mb(heapAfter)} |`,
  `| sort ${N.toLocaleString('en')} rows by JA4 (click to sorted rows painted) | ${sortMs.toFixed(0)} ms |`,
  `| scrolling top to bottom in 60 frames: median / p95 / max frame | ${p(0.5).toFixed(1)} / ${p(0.95).toFixed(1)} / ${sorted[sorted.length - 1].toFixed(1)} ms |`,
  `| table rows in the DOM while scrolling | ${frames.rowsInDom} |`,
];
process.stdout.write(lines.join('\n') + '\n');
if (args.includes('--write')) {
  const path = join(root, 'BENCHMARKS.md');
  const md = readFileSync(path, 'utf8');
  const block = `<!-- bench:renderer -->\n## Desktop renderer with a large capture (\`npm run bench:renderer\`)\n\n${lines.join('\n')}\n<!-- /bench:renderer -->`;
  writeFileSync(path, md.includes('<!-- bench:renderer -->') ? md.replace(/<!-- bench:renderer -->[\s\S]*<!-- \/bench:renderer -->/, block) : `${md.trimEnd()}\n\n${block}\n`);
}
