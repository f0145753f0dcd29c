// The IPC boundary: a call from a frame that is not the app's own never reaches a handler; an
// unknown method and malformed payloads are refused with a typed error naming the member.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { API_METHODS, IPC_PREFIX, type ApiEnvelope } from '../../../core/api.js';
import { createDispatch } from '../../../electron/services/app/dispatch.js';
import { createAppHandlers, type AppHandlers } from '../../../electron/services/app/handlers.js';
import { isAppUrl, registerIpc, type IpcMainLike } from '../../../electron/shell/ipc.js';
import { ROOT } from '../../helpers/paths.js';

const real = createAppHandlers({
  dataDir: mkdtempSync(join(tmpdir(), 'hs-ipc-')), captureWorker: join(ROOT, 'dist/electron/capture-worker.cjs'),
  emit: () => {}, chooseOpenPath: async () => null, chooseSavePath: async () => null,
});
// Count what reaches the handlers.
const calls: string[] = [];
const counted = new Proxy(real, { get: (t, k: string) => (typeof t[k as keyof AppHandlers] === 'function' && k !== 'dispose' ? (...a: unknown[]) => { calls.push(k); return (t[k as keyof AppHandlers] as (...x: unknown[]) => unknown)(...a); } : t[k as keyof AppHandlers]) }) as AppHandlers;
const dispatch = createDispatch(counted);

function fakeIpc(): IpcMainLike & { invoke(channel: string, event: Partial<IpcMainInvokeEvent>, payload: unknown): Promise<ApiEnvelope> } {
  const handlers = new Map<string, (e: IpcMainInvokeEvent, ...a: unknown[]) => unknown>();
  return {
    handle: (c, l) => { handlers.set(c, l); },
    removeHandler: (c) => { handlers.delete(c); },
    async invoke(c, e, p) {
      const h = handlers.get(c);
      if (!h) throw new Error(`No handler registered for '${c}'`);
      return (await h(e as IpcMainInvokeEvent, p)) as ApiEnvelope;
    },
  };
}

const appFrame = { url: 'app://helloscope/index.html' };
const foreignFrame = { url: 'https://evil.example/' };
const appEvent = { senderFrame: appFrame } as unknown as Partial<IpcMainInvokeEvent>;

describe('IPC registration and sender checks', () => {
  const ipc = fakeIpc();
  const check = (e: IpcMainInvokeEvent): boolean => e.senderFrame === (appFrame as unknown) && isAppUrl(e.senderFrame?.url);
  const unregister = registerIpc(ipc, dispatch, check);
  afterAll(async () => { unregister(); await real.dispose(); });

  it('registers every method of the contract on its prefixed channel, and only those', async () => {
    for (const m of API_METHODS) await expect(ipc.invoke(IPC_PREFIX + m, appEvent, {})).resolves.toBeDefined();
    await expect(ipc.invoke('helloscope:readFile', appEvent, {})).rejects.toThrow(/No handler/);
  });

  it('refuses a call from a foreign frame before any handler runs', async () => {
    calls.length = 0;
    const r = await ipc.invoke(IPC_PREFIX + 'recentFiles', { senderFrame: foreignFrame } as never, {});
    expect(r).toEqual({ ok: false, error: { code: 'forbidden_sender', message: expect.stringContaining('https://evil.example/') } });
    const r2 = await ipc.invoke(IPC_PREFIX + 'startListener', { senderFrame: null } as never, { host: '127.0.0.1', port: 0 });
    expect(r2.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it('a lookalike URL is not the app', () => {
    expect(isAppUrl('app://helloscope/index.html')).toBe(true);
    expect(isAppUrl('app://helloscope.evil/index.html')).toBe(false);
    expect(isAppUrl('app://helloscopeX/')).toBe(false);
    expect(isAppUrl('file:///app://helloscope/')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });
});

describe('dispatch: unknown methods and malformed payloads', () => {
  it('refuses an unknown method', async () => {
    calls.length = 0;
    expect(await dispatch('readFile', { path: '/etc/passwd' })).toEqual({ ok: false, error: { code: 'unknown_method', message: 'unknown method "readFile"' } });
    expect(await dispatch('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(calls).toEqual([]);
  });

  const cases: [string, unknown, RegExp][] = [
    ['openCapture', undefined, /openCapture: payload must be a plain object/],
    ['openCapture', {}, /payload\.path must be a string/],
    ['openCapture', { path: 'relative/file.pcap' }, /payload\.path must be an absolute path/],
    ['openCapture', { path: '/tmp/x.pcap', extra: 1 }, /payload\.extra is not expected/],
    ['openCapture', { path: '/tmp/a\0b' }, /must not contain NUL/],
    ['openCapture', { path: '/tmp/x.pcap', keylogPath: 'keys.log' }, /payload\.keylogPath must be an absolute path/],
    ['openCapture', ['/tmp/x.pcap'], /must be a plain object/],
    ['connectionDetail', { sourceId: 'capture-1', id: -1 }, /payload\.id must be an integer/],
    ['connectionDetail', { sourceId: 'capture-1', id: 1.5 }, /payload\.id must be an integer/],
    ['connectionDetail', { sourceId: '', id: 0 }, /payload\.sourceId must be 1 to 64 characters/],
    ['exportConnections', { sourceId: 'capture-1', ids: [0, 'x'], format: 'ndjson' }, /payload\.ids\[1\] must be an integer/],
    ['exportConnections', { sourceId: 'capture-1', ids: [0], format: 'csv' }, /payload\.format must be one of ndjson, json/],
    ['startListener', { host: '127.0.0.1', port: 70000 }, /payload\.port must be an integer from 0 to 65535/],
    ['startListener', { host: '127.0.0.1; rm -rf /', port: 8443 }, /payload\.host must be a host name or IP address/],
    ['diffConnections', { a: { sourceId: 'x', id: 0 } }, /payload\.b must be a plain object/],
    ['recentFiles', JSON.parse('{"__proto__": {"polluted": true}}'), /payload\.__proto__ is not expected/],
  ];
  for (const [method, payload, message] of cases) {
    it(`${method} ${JSON.stringify(payload) ?? 'undefined'} is refused`, async () => {
      calls.length = 0;
      const r = await dispatch(method, payload);
      expect(r.ok).toBe(false);
      if (!r.ok) { expect(r.error.code).toBe('bad_payload'); expect(r.error.message).toMatch(message); }
      expect(calls).toEqual([]);
    });
  }

  it('a valid payload reaches its handler', async () => {
    calls.length = 0;
    expect(await dispatch('recentFiles', {})).toEqual({ ok: true, value: [] });
    expect(calls).toEqual(['recentFiles']);
  });

  it('a label for something that is not a JA4 is refused, naming the value', async () => {
    const r = await dispatch('labelClient', { ja4: 'not-a-ja4', label: 'x' });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_payload', message: expect.stringContaining('"not-a-ja4"') } });
    expect(await dispatch('labelClient', { ja4: 't13d1516h2_8daaf6152771_02713d6af862', label: '' })).toMatchObject({ ok: false, error: { code: 'bad_payload' } });
    expect(await dispatch('labelClient', { ja4: 't13d1516h2_8daaf6152771_02713d6af862', label: 'ok', extra: 1 })).toMatchObject({ ok: false, error: { code: 'bad_payload', message: expect.stringContaining('payload.extra') } });
  });

  it('a handler error comes back typed, with what and where', async () => {
    const r = await dispatch('connectionDetail', { sourceId: 'capture-99', id: 0 });
    expect(r).toEqual({ ok: false, error: { code: 'not_found', message: 'no open source capture-99' } });
    const missing = await dispatch('openCapture', { path: '/nonexistent/dir/x.pcap' });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: '/nonexistent/dir/x.pcap: no such file' } });
  });
});
