// The main window's security settings, in one place so a test can assert them.
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(preload: string, dark: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1440, height: 900, minWidth: 900, minHeight: 560, show: false, title: 'Helloscope',
    backgroundColor: dark ? '#1b1d22' : '#ffffff',
    webPreferences: {
      preload,
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
    },
  };
}
