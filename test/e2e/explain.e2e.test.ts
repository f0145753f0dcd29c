// The explain views in Chromium against the real handlers: JA4 breakdown toggles change the
// string, hovering a breakdown item lights exactly its bytes, the diff of two chosen connections
// gives the expected verdict, and typing in the playground updates JA4H. Screenshots go to
// test-results/.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, clientFixtures } from '../helpers/paths.js';
import { CHROMIUM, closeBrowser, dropFile, openApp, type App } from './harness.js';
import { existsSync } from 'node:fs';

const HAVE = existsSync(CHROMIUM);
const chromium = clientFixtures().find((f) => f.id === 'chromium')!;
const CHROMIUM_PCAP = join(chromium.dir, 'capture.pcap');
const run = promisify(execFile);

describe.runIf(HAVE)('explain views end to end (Chromium)', () => {
  let app: App;
  beforeEach(async () => { app = await openApp(); });
  afterEach(async (ctx) => {
    if (!app) return;
    await app.screenshot(`explain-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`);
    expect(app.consoleErrors).toEqual([]);
    await app.close();
  });
  afterAll(async () => { await closeBrowser(); });

  async function openFirstHello(): Promise<void> {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    await page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') }).first().click();
    await page.getByTestId('breakdown-tab').click();
    await page.waitForSelector('[data-testid="breakdown"] [data-method="ja4"]');
  }

  it('the JA4 breakdown toggles between ja4, ja4_r, ja4_o and ja4_ro', async () => {
    const { page } = app;
    await openFirstHello();
    const ja4 = page.locator('[data-method="ja4"]');
    const value = (): Promise<string | null> => ja4.getByTestId('breakdown-value').textContent();
    const rec = chromium.hellos[0]!;
    expect(await value()).toBe(rec.ref_ja4);
    await ja4.locator('[data-form="ja4_o"]').click();
    expect(await value()).toBe(rec.ref_ja4_o);
    // The raw forms as the CLI prints them for the same conversation.
    const cli = JSON.parse((await run(process.execPath, [CLI, 'read', CHROMIUM_PCAP, '--format', 'json', '--raw', '--original'])).stdout) as { stream: number; ja4?: string; ja4_r?: string; ja4_ro?: string }[];
    const same = cli.find((r) => r.stream === rec.stream)!;
    await ja4.locator('[data-form="ja4_r"]').click();
    expect(await value()).toBe(same.ja4_r);
    await ja4.locator('[data-form="ja4_ro"]').click();
    expect(await value()).toBe(same.ja4_ro);
    // Part a is explained character by character.
    for (const id of ['a.protocol', 'a.version', 'a.sni', 'a.cipher_count', 'a.extension_count', 'a.alpn']) expect(await ja4.locator(`.bd-part[data-part="${id}"]`).count()).toBe(1);
  });

  it('hovering a cipher suite of JA4 b highlights exactly that suite\'s two bytes', async () => {
    const { page } = app;
    await openFirstHello();
    const item = page.locator('[data-method="ja4"] .bd-part[data-part="b"] .bd-item[data-item="1301"]');
    await item.hover();
    const lit = await page.$$eval('[data-testid="hex-view"] .b.hov', (els) => els.map((e) => [Number((e as HTMLElement).dataset.offset), e.textContent]));
    expect(lit.map(([, t]) => t).join('')).toBe('1301');
    // The same bytes the field tree gives for TLS_AES_128_GCM_SHA256.
    await page.getByRole('tab', { name: 'Fields' }).click();
    await page.locator('.node[data-key="tls.handshake.ciphersuites"] .twisty').first().click();
    const node = page.locator('.node[data-key="tls.handshake.ciphersuite"]', { hasText: '(0x1301)' }).first();
    const start = Number(await node.getAttribute('data-start'));
    expect(lit.map(([o]) => o)).toEqual([start, start + 1]);
    // A removed GREASE value says why.
    await page.getByTestId('breakdown-tab').click();
    const grease = page.locator('[data-method="ja4"] .bd-part[data-part="b"] .bd-item.removed').first();
    expect(await grease.textContent()).toMatch(/GREASE/);
  });

  it('the diff of two Chromium connections: same lists in another order, typical of extension shuffling', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    const rows = page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') });
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ['Control'] });
    await page.getByTestId('diff-selected').click();
    const tls = page.getByTestId('verdict-tls');
    await tls.waitFor();
    expect(await tls.getByTestId('conclusion').textContent()).toMatch(/only their order differs: JA4 equal, JA3 differs, typical of Chrome's extension shuffling/);
    expect(await tls.textContent()).toContain('JA4 equal');
    expect(await tls.textContent()).toContain('JA3 differs');
    // Monaco's diff editor shows both dissections.
    await page.waitForSelector('[data-testid="diff-editor"] .monaco-diff-editor');
    await page.waitForFunction(() => (document.querySelector('[data-testid="diff-editor"] .monaco-diff-editor')?.textContent ?? '').includes('ClientHello'));
  });

  it('a pasted JA4 against a connection: the verdict names the difference', async () => {
    const { page } = app;
    await dropFile(page, CHROMIUM_PCAP);
    await page.locator('.row', { has: page.locator('[data-col="ja4"]:not(:empty)') }).first().click();
    await page.locator('[data-mode="diff"]').click();
    await page.getByTestId('diff-slot-a').getByRole('button', { name: 'Use selected connection' }).click();
    // curl's recorded JA4 (another TLS library).
    const curl = clientFixtures().find((f) => f.id === 'curl-http1.1')!.hellos[0]!.ref_ja4;
    await page.getByLabel('Diff side B').fill(curl);
    const tls = page.getByTestId('verdict-tls');
    await tls.waitFor();
    expect(await tls.textContent()).toContain('JA4 differs');
    expect(await tls.getByTestId('conclusion').textContent()).not.toMatch(/identical/);
  });

  it('typing an HTTP request in the playground updates its JA4H as helloscope http computes it', async () => {
    const { page } = app;
    await page.locator('[data-mode="playground"]').click();
    await page.getByTestId('pg-http').click();
    await page.waitForSelector('[data-testid="pg-editor"] .monaco-editor');
    const request = 'GET /lesson HTTP/1.1\r\nHost: class.example\r\nUser-Agent: teacher/1.0\r\nAccept-Language: fr-CH,fr;q=0.9\r\nCookie: b=2; a=1\r\n\r\n';
    const file = join(app.dataDir, 'req.txt');
    writeFileSync(file, request);
    const expected = JSON.parse((await run(process.execPath, [CLI, 'http', file])).stdout).ja4h as string;
    // Replace the editor's text by typing it (Monaco receives real key events).
    await page.locator('[data-testid="pg-editor"] .monaco-editor').click();
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    for (const line of request.split('\r\n').filter(Boolean)) { await page.keyboard.type(line); await page.keyboard.press('Enter'); }
    await page.keyboard.press('Enter');
    await page.waitForFunction((v) => document.querySelector('.fp[data-fp="ja4h"] .fp-value')?.textContent === v, expected, { timeout: 10_000 });
    // An error points at its line: a header line without a colon.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('NoColonHere');
    await page.waitForFunction(() => /line 2, column 1/.test(document.querySelector('[data-testid="pg-status"]')?.textContent ?? ''), null, { timeout: 10_000 });
  });

  it('the playground dissects a recorded ClientHello example and marks bad hex at its line and column', async () => {
    const { page } = app;
    await page.locator('[data-mode="playground"]').click();
    await page.waitForSelector('[data-testid="pg-editor"] .monaco-editor');
    // The first example is Chromium's recorded hello.
    await page.waitForFunction((v) => document.querySelector('.fp[data-fp="ja4"] .fp-value')?.textContent === v, chromium.hellos[0]!.ref_ja4);
    await page.locator('[data-testid="pg-editor"] .monaco-editor').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('zz ');
    await page.waitForFunction(() => /line 1, column 1/.test(document.querySelector('[data-testid="pg-status"]')?.textContent ?? ''), null, { timeout: 10_000 });
    // The last valid dissection stays on screen, marked as such.
    expect(await page.locator('.pg-stale').count()).toBe(1);
    expect(await page.locator('.fp[data-fp="ja4"] .fp-value').textContent()).toBe(chromium.hellos[0]!.ref_ja4);
  });
});
