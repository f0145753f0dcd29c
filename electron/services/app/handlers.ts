// The handler table behind the app's API (core/api.ts). Plain Node, no electron import: the
// Electron shell registers these on IPC, and the end-to-end tests call the very same handlers
// from a real Chromium page. Dialogs and event delivery are injected by whoever hosts them.
import { open as openFile, readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConnectionDetail, ConnectionRow, DiffSide, EventName, HelloscopeApi, HelloscopeEvents, SourceInfo } from '../../../core/api.js';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { CaptureAnalyzer, CaptureFormatError } from '../../../core/capture/analyzer.js';
import { startsWithGzipMagic } from '../capture-file.js';
import { connectionViews, diffSideOf } from '../../../core/capture/connection-view.js';
import { formatRecords, toOutputRecord } from '../../../core/capture/output.js';
import { diffSides } from '../../../core/explain/diff-sides.js';
import { parseKeyLog } from '../../../core/tls/decrypt/keylog.js';
import { ApiCallError } from './api-error.js';
import { CaptureSession } from '../capture-loader/capture-session.js';
import { ListenerSource } from './listener-source.js';
import { RecentFiles } from './recent-files.js';
import { LabelImportError, LabelStore } from '../labels.js';

export const LISTENER_SOURCE = 'listener';

export interface AppDeps {
  /** User data directory: listener certificate and log, labels, recent files. */
  dataDir: string;
  /** Path of the bundled capture worker (dist/electron/capture-worker.cjs). */
  captureWorker: string;
  emit<E extends EventName>(event: E, payload: HelloscopeEvents[E]): void;
  /** File > Open: a capture path, or null when the user cancels. */
  chooseOpenPath(): Promise<string | null>;
  /** Where to save an export, or null when the user cancels. */
  chooseSavePath(suggestedName: string): Promise<string | null>;
  /** Called when the recent-files list changes (the shell rebuilds its menu). */
  onRecentFiles?(list: string[]): void;
  warn?(message: string): void;
}

export interface AppHandlers extends HelloscopeApi {
  dispose(): Promise<void>;
}

/** Reads the first bytes of a file and says why it is not a capture, before starting a worker. */
async function checkCapture(path: string): Promise<number> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ApiCallError('bad_payload', `${path} is a directory, not a capture`);
    size = st.size;
  } catch (e) {
    if (e instanceof ApiCallError) throw e;
    throw new ApiCallError('not_found', `${path}: no such file`);
  }
  const fh = await openFile(path, 'r');
  try {
    const head = new Uint8Array(Math.min(size, 64 * 1024));
    await fh.read(head, 0, head.length, 0);
    const probe = new CaptureAnalyzer({ fileName: basename(path), onConnection: () => {} });
    // A gzipped capture is read decompressed (capture-file.ts): its start is what is checked.
    probe.push(startsWithGzipMagic(head) ? gunzipStart(head) : head);
  } catch (e) {
    if (e instanceof CaptureFormatError) throw new ApiCallError('bad_payload', e.message);
    throw e;
  } finally {
    await fh.close();
  }
  return size;
}

/** What the first compressed bytes of a gzip file decompress to (the file's start only, so the output may be cut anywhere). */
function gunzipStart(head: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  } catch (e) {
    throw new ApiCallError('bad_payload', `gzip-compressed, but not readable as gzip: ${(e as Error).message}`);
  }
}

/** An NSS key log's text; refused with the reason when it holds no key line. */
async function readKeylog(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ApiCallError('not_found', `${path}: cannot read the key log`);
  }
  const keys = parseKeyLog(text, basename(path));
  if (keys.byRandom.size === 0) throw new ApiCallError('bad_payload', `${path}: no key log lines (CLIENT_RANDOM or *_TRAFFIC_SECRET) found${keys.problems[0] ? `: ${keys.problems[0].message}` : ''}`);
  return text;
}

export function createAppHandlers(deps: AppDeps): AppHandlers {
  const sessions = new Map<string, { info: SourceInfo; session: CaptureSession }>();
  const recent = new RecentFiles(deps.dataDir);
  const labels = new LabelStore(deps.dataDir);
  let nextSource = 1;
  // Live rows are batched so a burst of connections is one event, not hundreds.
  let liveRows: ConnectionRow[] = [];
  let liveTimer: NodeJS.Timeout | undefined;
  const listener = new ListenerSource(deps.dataDir, () => labels.list(), (row) => {
    liveRows.push(row);
    liveTimer ??= setTimeout(() => { liveTimer = undefined; const rows = liveRows; liveRows = []; deps.emit('rows', { sourceId: LISTENER_SOURCE, rows }); }, 50);
  }, (s) => deps.emit('listener', s), (m) => deps.warn?.(m));

  const sessionOf = (sourceId: string): CaptureSession => {
    const s = sessions.get(sourceId);
    if (!s) throw new ApiCallError('not_found', `no open source ${sourceId}`);
    return s.session;
  };

  async function openCapture({ path, keylogPath }: { path: string; keylogPath?: string }): Promise<SourceInfo> {
    const size = await checkCapture(path);
    const keylog = keylogPath ? await readKeylog(keylogPath) : undefined;
    const id = `capture-${nextSource++}`;
    const name = basename(path);
    const info: SourceInfo = { id, kind: 'capture', name: keylogPath ? `${name} + ${basename(keylogPath)}` : name, path, size, ...(keylogPath ? { keylogPath } : {}) };
    const session = new CaptureSession(deps.captureWorker, { path, fileName: name, labels: [...labels.list()], ...(keylog ? { keylog } : {}) }, {
      onRows: (rows) => deps.emit('rows', { sourceId: id, rows }),
      onProgress: (p) => deps.emit('progress', { sourceId: id, ...p }),
      onWarning: (message, offset) => deps.emit('warning', { sourceId: id, message, ...(offset !== undefined ? { offset } : {}) }),
    });
    sessions.set(id, { info, session });
    recent.add(path);
    deps.onRecentFiles?.(recent.get());
    return info;
  }

  async function side(ref: { sourceId: string; id: number }): Promise<DiffSide> {
    if (ref.sourceId !== LISTENER_SOURCE) return sessionOf(ref.sourceId).side(ref.id);
    const r = listener.record(ref.id);
    if (!r) throw new ApiCallError('not_found', `no live connection ${ref.id}`);
    return diffSideOf(r, `live#${ref.id}`);
  }

  return {
    openCapture,
    async chooseCapture() {
      const path = await deps.chooseOpenPath();
      return path ? openCapture({ path }) : null;
    },
    async cancelCapture({ sourceId }) {
      return sessionOf(sourceId).cancel();
    },
    async closeSource({ sourceId }) {
      const s = sessions.get(sourceId);
      if (!s) return false;
      sessions.delete(sourceId);
      await s.session.close();
      return true;
    },
    async connectionDetail({ sourceId, id }): Promise<ConnectionDetail> {
      if (sourceId === LISTENER_SOURCE) {
        const r = listener.record(id);
        if (!r) throw new ApiCallError('not_found', `no live connection ${id} (only the most recent ones are kept)`);
        return { sourceId, id, record: toOutputRecord(r, { raw: true, original: true }), ...connectionViews(r, labels.list()) };
      }
      return { sourceId, ...(await sessionOf(sourceId).detail(id)) };
    },
    async exportConnections({ sourceId, ids, format }) {
      let text: string, count: number;
      if (sourceId === LISTENER_SOURCE) {
        const out = ids.map((id) => listener.record(id)).filter((r) => !!r).map((r) => toOutputRecord(r!, { raw: true, original: true }));
        count = out.length;
        text = formatRecords(out, format);
      } else ({ text, count } = await sessionOf(sourceId).export(ids, format));
      const base = sourceId === LISTENER_SOURCE ? 'live' : (sessions.get(sourceId)?.info.name ?? 'capture').replace(/\.[^.]+$/, '');
      const path = await deps.chooseSavePath(`${base}-connections.${format === 'ndjson' ? 'ndjson' : 'json'}`);
      if (!path) return { path: null, count: 0 };
      await writeFile(path, text);
      return { path, count };
    },
    async recentFiles() {
      return recent.get();
    },
    async startListener({ host, port }) {
      return listener.start(host, port);
    },
    async stopListener() {
      return listener.stop();
    },
    async listenerStatus() {
      return listener.status();
    },
    connectionSide: side,
    async labelClient({ ja4, ja4_r, ja3, label }) {
      let e;
      try {
        e = labels.add({ label, client: label, ja4, ...(ja4_r ? { ja4_r } : {}), ...(ja3 ? { ja3 } : {}) });
      } catch (err) {
        if (err instanceof LabelImportError) throw new ApiCallError('bad_payload', err.message.replace(/^new label: label 1/, 'labelClient'));
        throw err;
      }
      for (const s of sessions.values()) s.session.setLabels([...labels.list()]);
      return { label: e.label, ja4: e.ja4 };
    },
    async diffConnections({ a, b }) {
      return diffSides(await side(a), await side(b));
    },
    async dispose() {
      if (liveTimer) clearTimeout(liveTimer);
      await Promise.all([...sessions.values()].map((s) => s.session.close()));
      sessions.clear();
      await listener.stop();
    },
  };
}
