// Registers every API method on its `helloscope:` channel. A call is served only when it comes
// from the app's own top-level frame (app://helloscope/); anything else gets `forbidden_sender`
// without reaching a handler. Payloads are validated by the dispatcher.
import type { IpcMainInvokeEvent } from 'electron';
import { API_METHODS, IPC_PREFIX, type ApiEnvelope } from '../../core/api.js';
import type { Dispatch } from '../services/app/dispatch.js';

export const APP_ORIGIN = 'app://helloscope';

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The sender is the window's main frame, showing our own page. */
export type FrameCheck = (event: IpcMainInvokeEvent) => boolean;

export const isAppUrl = (url: string | undefined): boolean => !!url && (url === APP_ORIGIN + '/' || url.startsWith(APP_ORIGIN + '/'));

export function registerIpc(ipcMain: IpcMainLike, dispatch: Dispatch, isAppFrame: FrameCheck): () => void {
  for (const m of API_METHODS) {
    ipcMain.handle(IPC_PREFIX + m, async (event, payload): Promise<ApiEnvelope> => {
      if (!isAppFrame(event)) return { ok: false, error: { code: 'forbidden_sender', message: `${m}: refused a call from ${event.senderFrame?.url ?? 'an unknown frame'}` } };
      return dispatch(m, payload);
    });
  }
  return () => { for (const m of API_METHODS) ipcMain.removeHandler(IPC_PREFIX + m); };
}
