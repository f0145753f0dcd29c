// The preload: exposes `window.helloscope` (core/api.ts HelloscopeBridge) to the sandboxed,
// context-isolated renderer. Named functions only; ipcRenderer itself never crosses.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { ApiEnvelope } from '../core/api.js';
import { createBridge } from '../core/api-bridge.js';

const bridge = createBridge({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<ApiEnvelope>,
  subscribe(channel, cb) {
    const listener = (_e: IpcRendererEvent, payload: unknown): void => cb(payload);
    ipcRenderer.on(channel, listener);
    return () => { ipcRenderer.removeListener(channel, listener); };
  },
  pathForFile: (file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]),
});

contextBridge.exposeInMainWorld('helloscope', bridge);
