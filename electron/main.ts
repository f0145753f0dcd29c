// The Electron main process: one window, its menu, the app:// protocol, and IPC registration.
// Everything the app does is in the handler table (services/app), which never imports electron.
import { join, sep } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, session, type MenuItemConstructorOptions } from 'electron';
import { IPC_EVENT_PREFIX, type EventName, type HelloscopeEvents } from '../core/api.js';
import { createDispatch } from './services/app/dispatch.js';
import { createAppHandlers, type AppHandlers } from './services/app/handlers.js';
import { defaultDataDir } from './services/data-dir.js';
import { serveAppFile } from './shell/app-protocol.js';
import { APP_ORIGIN, isAppUrl, registerIpc } from './shell/ipc.js';

// dist/electron/ holds main.cjs, preload.cjs and capture-worker.cjs; the renderer is dist/renderer/.
const HERE = __dirname;
const RENDERER = join(HERE, '..', 'renderer');
// Worker threads cannot run a script from inside app.asar: electron-builder unpacks it (build/electron-builder.yml).
const WORKER = join(HERE, 'capture-worker.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
const CAPTURE_FILTERS = [{ name: 'Captures', extensions: ['pcap', 'pcapng', 'cap', 'gz'] }, { name: 'All files', extensions: ['*'] }];

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

let win: BrowserWindow | null = null;
let handlers: AppHandlers | null = null;

function emit<E extends EventName>(event: E, payload: HelloscopeEvents[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_PREFIX + event, payload);
}

function buildMenu(recent: string[]): void {
  const open = (path?: string): void => {
    const h = handlers;
    if (!h) return;
    void (path ? h.openCapture({ path }) : h.chooseCapture({})).then((s) => { if (s) emit('sourceOpened', s); }, (e: Error) => { if (win) void dialog.showMessageBox(win, { type: 'error', message: e.message }); });
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        // The renderer handles Ctrl/Cmd+O itself (it works the same in the browser tests).
        { label: 'Open Capture…', accelerator: 'CmdOrCtrl+O', registerAccelerator: false, click: () => open() },
        { label: 'Open Recent', submenu: recent.length ? recent.map((p) => ({ label: p, click: () => open(p) })) : [{ label: 'No recent files', enabled: false }] },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])] },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): void {
  // Written out here rather than built by a helper, so a static audit (electronegativity) sees them.
  win = new BrowserWindow({
    width: 1440, height: 900, minWidth: 900, minHeight: 560, show: false, title: 'Helloscope',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1d22' : '#ffffff',
    webPreferences: {
      preload: join(HERE, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Middle-click would otherwise open links in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = win.webContents;
  // No navigation away from the app, no new windows, no webviews.
  contents.on('will-navigate', (e, url) => { if (!isAppUrl(url)) e.preventDefault(); });
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => { win = null; });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

void app.whenReady().then(() => {
  // No permission (camera, notifications, geolocation...) is ever granted; nothing remote is loaded.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onBeforeRequest((details, cb) => cb({ cancel: !/^(app|devtools|chrome-extension):/.test(details.url) }));
  protocol.handle('app', (req) => serveAppFile(RENDERER, req.url));

  handlers = createAppHandlers({
    dataDir: defaultDataDir(),
    captureWorker: WORKER,
    emit,
    async chooseOpenPath() {
      const r = win ? await dialog.showOpenDialog(win, { title: 'Open capture', properties: ['openFile'], filters: CAPTURE_FILTERS }) : { canceled: true, filePaths: [] };
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async chooseSavePath(defaultPath) {
      const r = win ? await dialog.showSaveDialog(win, { title: 'Export connections', defaultPath }) : { canceled: true, filePath: '' };
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    onRecentFiles: buildMenu,
    warn: (m) => console.warn(`helloscope: ${m}`),
  });
  const dispatch = createDispatch(handlers, (m) => console.error(m));
  registerIpc(ipcMain, dispatch, (event) => !!win && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame && isAppUrl(event.senderFrame?.url));
  void handlers.recentFiles({}).then(buildMenu);
  createWindow();
  app.on('activate', () => { if (!win) createWindow(); });
});

app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
app.on('before-quit', () => { void handlers?.dispose(); });
// Defence in depth: no web contents of any kind may navigate or open windows.
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => { if (!isAppUrl(url)) e.preventDefault(); });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});
