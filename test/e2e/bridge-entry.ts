// The end-to-end tests' stand-in for electron/preload.ts: the same createBridge, carried by
// Playwright's exposed function instead of ipcRenderer. Bundled to an init script by harness.ts.
import { createBridge } from '../../core/api-bridge.js';
import type { ApiEnvelope } from '../../core/api.js';

type Listener = (payload: unknown) => void;
const w = window as unknown as {
  __hsInvoke(channel: string, payload: unknown): Promise<ApiEnvelope>;
  __hsEmit(channel: string, payload: unknown): void;
  __hsPaths: Record<string, string>;
  helloscope: unknown;
};
const subs = new Map<string, Set<Listener>>();
w.__hsPaths = {};
w.__hsEmit = (channel, payload) => { for (const cb of subs.get(channel) ?? []) cb(payload); };
w.helloscope = createBridge({
  invoke: (channel, payload) => w.__hsInvoke(channel, payload),
  subscribe(channel, cb) {
    const set = subs.get(channel) ?? new Set<Listener>();
    subs.set(channel, set);
    set.add(cb);
    return () => { set.delete(cb); };
  },
  // webUtils.getPathForFile stand-in: the test names the path of each file it drops.
  pathForFile: (file) => w.__hsPaths[(file as File).name] ?? '',
});
