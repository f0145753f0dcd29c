// electron/main.ts under a stand-in for the electron module (the binary cannot run here): the
// window's security options, navigation and window-open blocking, the app:// protocol, and that
// every API channel is registered and refuses a sender that is not the window's own frame.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, IPC_PREFIX } from '../../../core/api.js';

const h = vi.hoisted(() => {
  type Fn = (...a: unknown[]) => unknown;
  const state = {
    windows: [] as { options: Record<string, any>; contents: any; loaded: string[] }[],
    ipc: new Map<string, Fn>(),
    schemes: [] as unknown[],
    protocolHandlers: new Map<string, Fn>(),
    permission: undefined as Fn | undefined,
    beforeRequest: undefined as Fn | undefined,
    appEvents: new Map<string, Fn>(),
    menu: undefined as unknown,
  };
  class BrowserWindow {
    webContents: any;
    constructor(options: Record<string, any>) {
      const on = new Map<string, Fn>();
      const mainFrame = { url: 'app://helloscope/index.html' };
      this.webContents = { on: (e: string, f: Fn) => on.set(e, f), handlers: on, setWindowOpenHandler: (f: Fn) => on.set('window-open', f), mainFrame, send: vi.fn() };
      const rec = { options, contents: this.webContents, loaded: [] as string[] };
      state.windows.push(rec);
      (this as any).rec = rec;
    }
    once() {}
    on() {}
    show() {}
    isDestroyed() { return false; }
    loadURL(u: string) { (this as any).rec.loaded.push(u); return Promise.resolve(); }
  }
  return { state, BrowserWindow };
});

vi.mock('electron', () => ({
  app: { whenReady: () => Promise.resolve(), on: (e: string, f: (...a: unknown[]) => unknown) => h.state.appEvents.set(e, f), isPackaged: false, quit: vi.fn() },
  BrowserWindow: h.BrowserWindow,
  dialog: { showOpenDialog: vi.fn(), showSaveDialog: vi.fn(), showMessageBox: vi.fn() },
  ipcMain: { handle: (c: string, f: (...a: unknown[]) => unknown) => h.state.ipc.set(c, f), removeHandler: (c: string) => h.state.ipc.delete(c) },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => { h.state.menu = m; } },
  nativeTheme: { shouldUseDarkColors: false },
  protocol: { registerSchemesAsPrivileged: (s: unknown[]) => h.state.schemes.push(...s), handle: (s: string, f: (...a: unknown[]) => unknown) => h.state.protocolHandlers.set(s, f) },
  session: { defaultSession: { setPermissionRequestHandler: (f: (...a: unknown[]) => unknown) => { h.state.permission = f; }, setPermissionCheckHandler: vi.fn(), webRequest: { onBeforeRequest: (f: (...a: unknown[]) => unknown) => { h.state.beforeRequest = f; } } } },
  shell: { openExternal: vi.fn() },
}));

describe('electron/main.ts', () => {
  beforeAll(async () => {
    process.env.HELLOSCOPE_DATA_DIR = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'hs-main-'));
    await import('../../../electron/main.js');
    await vi.waitFor(() => expect(h.state.windows.length).toBe(1));
  });

  it('opens one window with context isolation, sandbox, no Node integration and web security', () => {
    const wp = h.state.windows[0]!.options.webPreferences;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(wp.preload).toMatch(/preload\.cjs$/);
    expect(h.state.windows[0]!.loaded).toEqual(['app://helloscope/index.html']);
  });

  it('serves the renderer on a privileged app:// scheme with the CSP header, and nothing outside it', async () => {
    expect(h.state.schemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    const serve = h.state.protocolHandlers.get('app')!;
    const traversal = (await serve({ url: 'app://helloscope/..%2f..%2fpackage.json' })) as Response;
    expect([403, 404]).toContain(traversal.status);
    const other = (await serve({ url: 'app://elsewhere/index.html' })) as Response;
    expect(other.status).toBe(404);
  });

  it('blocks navigation away from the app, new windows and webviews', () => {
    const c = h.state.windows[0]!.contents;
    const nav = { preventDefault: vi.fn() };
    c.handlers.get('will-navigate')(nav, 'https://example.com/');
    expect(nav.preventDefault).toHaveBeenCalled();
    const own = { preventDefault: vi.fn() };
    c.handlers.get('will-navigate')(own, 'app://helloscope/index.html');
    expect(own.preventDefault).not.toHaveBeenCalled();
    expect(c.handlers.get('window-open')({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const wv = { preventDefault: vi.fn() };
    c.handlers.get('will-attach-webview')(wv);
    expect(wv.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request and cancels any request that is not for the app', () => {
    const cb = vi.fn();
    h.state.permission!(null, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    const req = vi.fn();
    h.state.beforeRequest!({ url: 'https://tracker.example/x.js' }, req);
    expect(req).toHaveBeenCalledWith({ cancel: true });
    h.state.beforeRequest!({ url: 'app://helloscope/assets/index.js' }, req);
    expect(req).toHaveBeenLastCalledWith({ cancel: false });
  });

  it('registers every API method and refuses callers other than the window\'s main frame', async () => {
    expect([...h.state.ipc.keys()].sort()).toEqual(API_METHODS.map((m) => IPC_PREFIX + m).sort());
    const c = h.state.windows[0]!.contents;
    const ok = await h.state.ipc.get(IPC_PREFIX + 'recentFiles')!({ sender: c, senderFrame: c.mainFrame }, {});
    expect(ok).toEqual({ ok: true, value: [] });
    const sub = await h.state.ipc.get(IPC_PREFIX + 'recentFiles')!({ sender: c, senderFrame: { url: 'app://helloscope/index.html' } }, {});
    expect(sub).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    const other = await h.state.ipc.get(IPC_PREFIX + 'recentFiles')!({ sender: {}, senderFrame: c.mainFrame }, {});
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('has File > Open Capture and Open Recent in its menu', () => {
    const file = (h.state.menu as { label?: string; submenu?: { label?: string }[] }[]).find((m) => m.label === 'File')!;
    expect(file.submenu!.map((i) => i.label)).toEqual(expect.arrayContaining(['Open Capture…', 'Open Recent']));
  });
});
