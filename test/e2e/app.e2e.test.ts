// The desktop app's renderer in Debian's Chromium, wired to the real handlers: captures dropped
// on the window, the connections table, the field tree and hex view linked both ways, the live
// listener with curl, export, keyboard, and a file that is not a capture. Screenshots go to
// test-results/.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, clientFixtures, CLI } from '../helpers/paths.js';
import { closeBrowser, CHROMIUM, dropFile, dropFiles, openApp, type App } from './harness.js';

const HAVE = existsSync(CHROMIUM);
const chromiumFixture = clientFixtures().find((f) => f.id === 'chromium')!;
const CHROMIUM_PCAP = join(chromiumFixture.dir, 'capture.pcap');

/** Every JA4 of a capture's conversations as `helloscope read` prints them (the CLI path, not the app's). */
function readJa4s(path: string): { stream: number; ja4?: string; ja3?: string }[] {
  const r = spawnSync(process.execPath, [CLI, 'read', path, '--format', 'ndjson'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe.runIf(HAVE)('desktop renderer end to end (Chromium)', () => {
  let app: App;
  beforeEach(async () => { app = await openApp(); });
  afterEach(async (ctx) => {
    if (!app) return;
    await app.screenshot(ctx.task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
    // No CSP violation or script error in any test.
    expect(app.consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await app.close();
  });
  afterAll(async () => { await closeBrowser(); });

  it('a dropped capture lists its connections with the JA4 and JA3 recorded by tshark', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    await page.waitForSelector('.source-tab[data-source^="capture-"].active');
    const expected = readJa4s(CHROMIUM_PCAP);
    await page.waitForFunction((n) => document.querySelector('[data-testid="row-count"]')?.textContent?.startsWith(`${n} connections`), expected.length);
    const ja4s = await page.$$eval('.row [data-col="ja4"]', (cells) => cells.map((c) => c.textContent).filter(Boolean));
    expect(ja4s.sort()).toEqual(chromiumFixture.hellos.map((h) => h.ref_ja4).sort());
    const ja3s = await page.$$eval('.row [data-col="ja3"]', (cells) => cells.map((c) => c.textContent).filter(Boolean));
    expect(ja3s.sort()).toEqual(chromiumFixture.hellos.map((h) => h.tshark_ja3).sort());
  });

  it('selecting a connection shows the tree and the hex; hovering a cipher suite highlights exactly its bytes', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    const row = page.locator('.row', { has: page.locator('[data-col="ja4"]', { hasText: chromiumFixture.hellos[0]!.ref_ja4 }) }).first();
    await row.click();
    await page.waitForSelector('[data-testid="field-tree"] .node');
    await page.waitForSelector('[data-testid="hex-view"] .b');
    // The 1,987-byte post-quantum hello came in two TCP segments: both boundaries are shown.
    expect(await page.locator('.boundary.segment').count()).toBe(2);
    // Open the cipher suite list and hover its first non-GREASE entry.
    const list = page.locator('.node[data-key="tls.handshake.ciphersuites"]').first();
    await list.locator('.twisty').click();
    const suite = page.locator('.node[data-key="tls.handshake.ciphersuite"]:not(:has(.grease))').first();
    await suite.hover();
    const start = Number(await suite.getAttribute('data-start'));
    const length = Number(await suite.getAttribute('data-length'));
    expect(length).toBe(2);
    const lit = await page.$$eval('[data-testid="hex-view"] .b.hov', (els) => els.map((e) => [Number((e as HTMLElement).dataset.offset), e.textContent]));
    expect(lit.map(([o]) => o)).toEqual([start, start + 1]);
    // The highlighted bytes are the suite's code point as the tree names it ("... (0x1301)").
    const display = await suite.locator('.display').textContent();
    const code = /\(0x([0-9a-f]{4})\)/.exec(display ?? '')?.[1];
    expect(lit.map(([, t]) => t).join('')).toBe(code);
  });

  it('clicking a byte selects the innermost field that holds it', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    await page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') }).first().click();
    await page.waitForSelector('[data-testid="hex-view"] .b');
    // Byte 5 of the first record is the handshake type (01 = ClientHello).
    await page.locator('[data-testid="hex-view"] .b[data-offset="5"]').click();
    const sel = page.locator('.node.selected');
    await expect.poll(() => sel.count()).toBe(1);
    const s = Number(await sel.getAttribute('data-start')), l = Number(await sel.getAttribute('data-length'));
    expect(s).toBeLessThanOrEqual(5);
    expect(s + l).toBeGreaterThan(5);
    expect(await page.locator('[data-testid="hex-view"] .b[data-offset="5"]').textContent()).toBe('01');
    expect(await sel.getAttribute('data-key')).toMatch(/handshake\.type$/);
  });

  it('arrow keys move through the field tree; Right opens a node and Left closes it', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    await page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') }).first().click();
    const first = page.locator('[data-testid="field-tree"] .node').first();
    await first.click();
    expect(await first.getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowDown');
    const second = page.locator('[data-testid="field-tree"] .node').nth(1);
    expect(await second.getAttribute('aria-selected')).toBe('true');
    // Walk down to the cipher suite list, then open and close it with the keyboard.
    for (let i = 0; i < 40 && (await page.locator('.node.selected').getAttribute('data-key')) !== 'tls.handshake.ciphersuites'; i++) await page.keyboard.press('ArrowDown');
    const list = page.locator('.node.selected');
    expect(await list.getAttribute('data-key')).toBe('tls.handshake.ciphersuites');
    const before = await page.locator('.node[data-key="tls.handshake.ciphersuite"]').count();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.node[data-key="tls.handshake.ciphersuite"]').count()).toBeGreaterThan(before);
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('.node[data-key="tls.handshake.ciphersuite"]').count()).toBe(before);
  });

  it('arrow keys move through connections, Ctrl+F focuses the filter and the filter narrows the list', async () => {
    const { page } = app;
    const pcap = CHROMIUM_PCAP;
    await dropFile(page, pcap);
    const expected = readJa4s(pcap);
    await page.waitForFunction((n) => document.querySelector('[data-testid="row-count"]')?.textContent?.startsWith(`${n} connections`), expected.length);
    expect(expected.length).toBeGreaterThan(2);
    await page.locator('.row').first().click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('.row.focused').getAttribute('data-row')).toBe('2');
    await page.keyboard.press('ArrowUp');
    expect(await page.locator('.row.focused').getAttribute('data-row')).toBe('1');
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Filter connections');
    const ja4 = expected.find((r) => r.ja4)!.ja4!;
    await page.keyboard.type(`ja4:${ja4.slice(0, 10)}`);
    const n = expected.filter((r) => r.ja4?.startsWith(ja4.slice(0, 10))).length;
    await page.waitForFunction((n) => document.querySelector('[data-testid="row-count"]')?.textContent?.startsWith(`${n} of`), n);
    await page.keyboard.press('Control+a');
    await page.keyboard.type('no-such-fingerprint');
    await page.waitForSelector('text=No connection matches the filter.');
  });

  it('sorting by a column orders the rows; export writes the selection as NDJSON', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    const expected = readJa4s(CHROMIUM_PCAP);
    await page.waitForFunction((n) => document.querySelector('[data-testid="row-count"]')?.textContent?.startsWith(`${n} connections`), expected.length);
    await page.locator('[data-sort="ja3"]').click();
    const ja3 = await page.$$eval('.row [data-col="ja3"]', (c) => c.map((x) => x.textContent ?? ''));
    expect(ja3).toEqual([...ja3].sort());
    // Select two rows with Ctrl+click and export them.
    const rows = page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') });
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['Control'] });
    await page.getByRole('button', { name: /Export selection/ }).click();
    await page.waitForSelector('[data-testid="notice-info"]');
    const saved = app.savePaths[0]!;
    const lines = readFileSync(saved, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.ja4).sort()).toEqual(chromiumFixture.hellos.map((h) => h.ref_ja4).sort());
    // Same records as the CLI prints with --raw --original.
    const cli = spawnSync(process.execPath, [CLI, 'read', CHROMIUM_PCAP, '--format', 'ndjson', '--raw', '--original'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l));
    for (const l of lines) expect(l).toEqual(cli.find((c) => c.stream === l.stream && c.transport === l.transport));
  });

  it('known clients: the column and the dissection name the client, JA4 seen counts it, and "label this client" is kept', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    const rows = page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') });
    await rows.first().waitFor();
    // Both Chromium connections share their JA4: 2 of the capture's 4 conversations.
    const total = readJa4s(CHROMIUM_PCAP).length;
    expect(await rows.first().locator('[data-col="seen"]').textContent()).toBe(`2 (${Math.round((2 / total) * 100)}%)`);
    expect(await rows.first().locator('[data-col="client"]').textContent()).toMatch(/^Chromium /);
    await rows.first().click();
    const box = page.getByTestId('known-client');
    await box.waitFor();
    expect(await box.textContent()).toMatch(/known client.*Chromium/);
    await page.getByTestId('label-client').click();
    await page.getByLabel('Client label').fill('lab browser A');
    await page.getByRole('button', { name: 'Save label' }).click();
    await expect.poll(() => rows.first().locator('[data-col="client"]').textContent()).toBe('lab browser A');
    expect(await rows.nth(1).locator('[data-col="client"]').textContent()).toBe('lab browser A');
    const saved = JSON.parse(readFileSync(join(app.dataDir, 'labels.json'), 'utf8'));
    expect(saved.labels).toEqual([expect.objectContaining({ label: 'lab browser A', ja4: chromiumFixture.hellos[0]!.ref_ja4 })]);
    // A new view of the connection now names the user's label as its source.
    await rows.nth(1).click();
    await expect.poll(() => page.getByTestId('known-client').textContent()).toMatch(/lab browser A.*your label/);
  });

  it('a capture dropped with its key log: TLS decrypted, the JA4H of the HTTP/2 inside as read --keylog gives it', async () => {
    const { page } = app;
    const keylog = join(chromiumFixture.dir, 'keylog.txt');
    await dropFiles(page, [CHROMIUM_PCAP, keylog]);
    await page.waitForSelector('.source-tab.active .name:text("capture.pcap + keylog.txt")');
    const expected = spawnSync(process.execPath, [CLI, 'read', CHROMIUM_PCAP, '--keylog', keylog, '--format', 'ndjson'], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => JSON.parse(l) as { http?: { ja4h: string }[] });
    const ja4hs = expected.flatMap((r) => (r.http?.[0] ? [r.http[0].ja4h] : []));
    expect(ja4hs.length).toBeGreaterThan(0);
    await page.waitForFunction((n) => document.querySelectorAll('.row [data-col="ja4h"]:not(:empty)').length === n, ja4hs.length);
    expect((await page.$$eval('.row [data-col="ja4h"]:not(:empty)', (c) => c.map((x) => x.textContent))).sort()).toEqual(ja4hs.sort());
    expect(await page.locator('.source-bar').textContent()).toContain('decrypting with keylog.txt');
    // A key log dropped alone on an open capture reopens it decrypted.
    await dropFile(page, CHROMIUM_PCAP);
    await page.waitForFunction(() => document.querySelectorAll('.source-tab[data-source^="capture-"]').length === 2);
    await dropFile(page, keylog);
    await page.waitForFunction(() => document.querySelectorAll('.source-tab[data-source^="capture-"]').length === 3);
    await page.waitForFunction((n) => document.querySelectorAll('.row [data-col="ja4h"]:not(:empty)').length === n, ja4hs.length);
  });

  it('a dropped file that is not a capture gets a clear message, not a blank screen', async () => {
    const { page } = app;
    const bogus = join(app.dataDir, 'notes.txt');
    writeFileSync(bogus, 'Hello, this is not a capture\n');
    await dropFile(page, bogus);
    const notice = page.locator('[data-testid="notice-error"]');
    await notice.waitFor();
    const text = await notice.textContent();
    expect(text).toMatch(/not a pcap or pcapng/i);
    expect(text).toContain('48 65 6c 6c'); // the magic bytes found ("Hell")
    expect(await page.locator('.connections').count()).toBe(1);
    // The error notices of the page are expected here; keep only unexpected console errors.
    app.consoleErrors.length = 0;
  });

  it('the live listener: start it, connect with curl on 127.0.0.1, the row appears live with the JA4 curl was told', async () => {
    const { page } = app;
    await page.getByLabel('Listener port').fill('0');
    await page.getByTestId('listener-toggle').click();
    const url = await page.getByTestId('listener-url').textContent();
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    // Asynchronously: the listener runs in this process and must keep serving while curl waits.
    const curl = await promisify(execFile)('curl', ['-sk', '--max-time', '10', `${url}fps`], { encoding: 'utf8' });
    const told = JSON.parse(curl.stdout);
    await page.waitForSelector('.row [data-col="ja4"]:not(:empty)');
    expect(await page.locator('.row [data-col="ja4"]').first().textContent()).toBe(told.ja4);
    expect(await page.getByTestId('listener-count').textContent()).toMatch(/^1 observed/);
    // Its ClientHello is dissected like a captured one.
    await page.locator('.row').first().click();
    await page.waitForSelector('.node[data-key="tls.handshake.ciphersuites"]');
    expect(await page.locator('.fp[data-fp="ja4"] .fp-value').textContent()).toBe(told.ja4);
    await page.getByTestId('listener-toggle').click();
    await page.waitForSelector('text=Start listener');
  });
});
