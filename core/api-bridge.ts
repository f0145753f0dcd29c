// Builds `window.helloscope` (HelloscopeBridge) from three primitives: invoke a channel,
// subscribe to an event channel, and the path of a dropped file. The preload passes Electron's
// ipcRenderer and webUtils; the end-to-end tests pass Playwright's exposed functions. Only named
// functions are exposed, never the transport itself.
import { API_METHODS, EVENT_NAMES, IPC_EVENT_PREFIX, IPC_PREFIX, type ApiEnvelope, type ApiErrorCode, type HelloscopeBridge } from './api.js';

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  constructor(readonly code: ApiErrorCode, message: string) {
    super(message);
  }
}

export interface BridgeTransport {
  invoke(channel: string, payload: unknown): Promise<ApiEnvelope>;
  subscribe(channel: string, cb: (payload: unknown) => void): () => void;
  pathForFile(file: unknown): string;
}

export function createBridge(t: BridgeTransport): HelloscopeBridge {
  const api: Record<string, unknown> = {};
  for (const m of API_METHODS) {
    api[m] = async (payload: unknown = {}): Promise<unknown> => {
      const r = await t.invoke(IPC_PREFIX + m, payload);
      if (!r.ok) throw new BridgeError(r.error.code, r.error.message);
      return r.value;
    };
  }
  api.on = (event: string, cb: (payload: unknown) => void): (() => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new BridgeError('unknown_method', `unknown event ${event}`);
    return t.subscribe(IPC_EVENT_PREFIX + event, cb);
  };
  api.pathForFile = (file: unknown): string => t.pathForFile(file);
  return Object.freeze(api) as unknown as HelloscopeBridge;
}
