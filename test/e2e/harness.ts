// End-to-end harness: the built renderer (dist/renderer) served on 127.0.0.1, Debian's Chromium
// driven by playwright-core, and the page's window.helloscope backed by the real app handlers
// (electron/services/app) in this Node process: real capture worker, real listener.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { buildSync } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { IPC_EVENT_PREFIX, IPC_PREFIX, type EventName, type HelloscopeEvents } from '../../core/api.js';
import { APP_CSP } from '../../core/app-csp.js';
import { createDispatch } from '../../electron/services/app/dispatch.js';
import { createAppHandlers, type AppHandlers } from '../../electron/services/app/handlers.js';
import { ROOT } from '../helpers/paths.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const RENDERER = join(ROOT, 'dist/renderer');
export const RESULTS = join(ROOT, 'test-results');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.svg': 'image/svg+xml' };

function serveRenderer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '') || 'index.html';
    try {
      const body = readFileSync(join(RENDERER, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-security-policy': APP_CSP });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` })));
}

let bridgeScript: string | undefined;
function bridge(): string {
  bridgeScript ??= buildSync({ entryPoints: [join(ROOT, 'test/e2e/bridge-entry.ts')], bundle: true, format: 'iife', write: false, platform: 'browser', target: 'chrome120' }).outputFiles[0]!.text;
  return bridgeScript;
}

export interface App {
  page: Page;
  handlers: AppHandlers;
  dataDir: string;
  /** Browser console errors and CSP violations seen so far. */
  consoleErrors: string[];
  savePaths: string[];
  /** The test bridge's own cost: events sent to the page, and when the last rows event left the handlers (performance.now()). */
  bridge: { events: number; rowEvents: number; lastRowsAt: number };
  close(): Promise<void>;
  screenshot(name: string): Promise<void>;
}

let browser: Browser | undefined;
export async function launchBrowser(): Promise<Browser> {
  // Playwright gives the browser a fresh temporary profile (it refuses --user-data-dir with launch()).
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return browser;
}
export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export async function openApp(opts: { savePath?: () => string; openPath?: () => string | null; viewport?: { width: number; height: number } } = {}): Promise<App> {
  const b = await launchBrowser();
  const { server, url } = await serveRenderer();
  const dataDir = mkdtempSync(join(tmpdir(), 'hs-app-'));
  const context: BrowserContext = await b.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const savePaths: string[] = [];
  let ready = false;
  const queued: [EventName, unknown][] = [];
  const stats = { events: 0, rowEvents: 0, lastRowsAt: 0 };
  const send = (event: string, payload: unknown): void => {
    stats.events++;
    if (event === 'rows') { stats.rowEvents++; stats.lastRowsAt = performance.now(); }
    // One JSON string argument: Playwright's own serialisation of a large object graph is far slower.
    void page.evaluate(([c, json]) => (window as unknown as { __hsEmit(c: string, p: unknown): void }).__hsEmit(c, JSON.parse(json)), [IPC_EVENT_PREFIX + event, JSON.stringify(payload)] as const).catch(() => {});
  };
  const handlers = createAppHandlers({
    dataDir,
    captureWorker: join(ROOT, 'dist/electron/capture-worker.cjs'),
    emit<E extends EventName>(event: E, payload: HelloscopeEvents[E]) { if (ready) send(event, payload); else queued.push([event, payload]); },
    chooseOpenPath: async () => opts.openPath?.() ?? null,
    chooseSavePath: async (name) => { const p = opts.savePath?.() ?? join(dataDir, name); savePaths.push(p); return p; },
  });
  const dispatch = createDispatch(handlers);
  await page.exposeFunction('__hsInvoke', (channel: string, payload: unknown) => {
    if (typeof channel !== 'string' || !channel.startsWith(IPC_PREFIX)) return { ok: false, error: { code: 'unknown_method', message: `no channel ${channel}` } };
    return dispatch(channel.slice(IPC_PREFIX.length), payload);
  });
  await page.addInitScript({ content: bridge() });
  await page.goto(url);
  await page.waitForSelector('.app');
  ready = true;
  for (const [e, p] of queued.splice(0)) send(e, p);
  return {
    page, handlers, dataDir, consoleErrors, savePaths, bridge: stats,
    async screenshot(name) {
      mkdirSync(RESULTS, { recursive: true });
      await page.screenshot({ path: join(RESULTS, `${name}.png`) });
    },
    async close() {
      await handlers.dispose();
      await context.close();
      await new Promise<void>((res) => server.close(() => res()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Drops files on the window as a user would (a DragEvent with a DataTransfer holding them).
 * The app takes each file's path (webUtils.getPathForFile) and reads at most the first bytes of
 * a file itself (to tell a key log from a capture); files over 4 MB are dropped with placeholder
 * contents so a benchmark does not time the test's own copying.
 */
export async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const files = paths.map((path) => ({ path, name: path.split('/').pop()!, b64: statSync(path).size > 4 << 20 ? Buffer.from('placeholder').toString('base64') : readFileSync(path).toString('base64') }));
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const { name, b64, path } of files) {
      (window as unknown as { __hsPaths: Record<string, string> }).__hsPaths[name] = path;
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
    }
    const target = document.querySelector('.connections') ?? document.body;
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

export const dropFile = (page: Page, path: string): Promise<void> => dropFiles(page, [path]);
