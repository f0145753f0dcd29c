// The app's state, created once: sources and their rows, progress and warnings, the listener,
// and the current selection. Events from the main process are buffered and applied once per
// animation frame, so a capture that yields thousands of rows per second costs one render per
// frame. Components read it through useSyncExternalStore (see use-store.ts).
import type { CaptureProgress, ConnectionRow, HelloscopeBridge, ListenerStatus, SourceInfo } from '../../../core/api.js';

export const LISTENER_ID = 'listener';

export interface SourceState {
  info: SourceInfo;
  /** Rows by id (ids are dense, in arrival order). Mutated in place; `version` says when. */
  rows: ConnectionRow[];
  version: number;
  progress: CaptureProgress | null;
  warnings: string[];
  error: string | null;
  /** Selected row ids, and the one the keyboard moves (shown in the dissection pane). */
  selected: Set<number>;
  focused: number | null;
  anchor: number | null;
}

export interface Notice { id: number; kind: 'error' | 'info'; text: string }

/** One side of the diff view: a connection of any source, or text the user pasted. */
export type DiffSlot = { kind: 'connection'; sourceId: string; id: number; label: string } | { kind: 'text'; text: string };

export type Mode = 'inspect' | 'diff' | 'playground';

export interface AppState {
  sources: SourceState[];
  activeId: string;
  listener: ListenerStatus;
  notices: Notice[];
  mode: Mode;
  diff: { a: DiffSlot; b: DiffSlot };
  /** The "label this client" form, when open. */
  labeling: { ja4: string; ja4_r?: string; ja3?: string; suggestion: string } | null;
}

const NO_LISTENER: ListenerStatus = { running: false, host: null, port: null, url: null, certSha256: null, count: 0 };
const MAX_WARNINGS = 500;

export class AppStore {
  private state: AppState;
  private readonly listeners = new Set<() => void>();
  private pendingRows = new Map<string, ConnectionRow[]>();
  private frame = 0;
  private noticeId = 1;

  constructor(private readonly api: HelloscopeBridge) {
    const live: SourceState = this.newSource({ id: LISTENER_ID, kind: 'listener', name: 'Live listener' });
    this.state = { sources: [live], activeId: LISTENER_ID, listener: NO_LISTENER, notices: [], mode: 'inspect', diff: { a: { kind: 'text', text: '' }, b: { kind: 'text', text: '' } }, labeling: null };
    api.on('rows', ({ sourceId, rows }) => {
      const list = this.pendingRows.get(sourceId);
      if (list) list.push(...rows); else this.pendingRows.set(sourceId, rows.slice());
      this.schedule();
    });
    api.on('progress', (p) => this.updateSource(p.sourceId, (s) => ({ ...s, progress: p, error: p.error ?? s.error })));
    api.on('warning', (w) => this.updateSource(w.sourceId, (s) => (s.warnings.length >= MAX_WARNINGS ? s : { ...s, warnings: [...s.warnings, w.message] })));
    api.on('listener', (l) => this.set({ ...this.state, listener: l }));
    api.on('sourceOpened', (info) => this.addSource(info));
    void api.listenerStatus({}).then((l) => this.set({ ...this.state, listener: l }), () => {});
  }

  private newSource(info: SourceInfo): SourceState {
    return { info, rows: [], version: 0, progress: null, warnings: [], error: null, selected: new Set(), focused: null, anchor: null };
  }

  getState = (): AppState => this.state;

  subscribe = (cb: () => void): (() => void) => {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  };

  private set(next: AppState): void {
    this.state = next;
    for (const l of this.listeners) l();
  }

  private schedule(): void {
    if (this.frame) return;
    const run = (): void => { this.frame = 0; this.flushRows(); };
    // requestAnimationFrame does not run in a hidden window; a timer keeps a background load moving.
    this.frame = document.hidden ? (setTimeout(run, 50) as unknown as number) : requestAnimationFrame(run);
  }

  private flushRows(): void {
    if (this.pendingRows.size === 0) return;
    const pending = this.pendingRows;
    this.pendingRows = new Map();
    const sources = this.state.sources.map((s) => {
      const add = pending.get(s.info.id);
      if (!add) return s;
      for (const r of add) s.rows[r.id] = r;
      return { ...s, version: s.version + 1 };
    });
    this.set({ ...this.state, sources });
  }

  private updateSource(id: string, f: (s: SourceState) => SourceState): void {
    if (!this.state.sources.some((s) => s.info.id === id)) return;
    this.set({ ...this.state, sources: this.state.sources.map((s) => (s.info.id === id ? f(s) : s)) });
  }

  source(id: string): SourceState | undefined {
    return this.state.sources.find((s) => s.info.id === id);
  }

  addSource(info: SourceInfo): void {
    if (this.source(info.id)) { this.activate(info.id); return; }
    this.set({ ...this.state, sources: [...this.state.sources, this.newSource(info)], activeId: info.id });
  }

  activate(id: string): void {
    if (this.source(id)) this.set({ ...this.state, activeId: id });
  }

  async openPath(path: string, keylogPath?: string): Promise<void> {
    try {
      this.addSource(await this.api.openCapture({ path, ...(keylogPath ? { keylogPath } : {}) }));
    } catch (e) {
      this.notify('error', (e as Error).message);
    }
  }

  async chooseCapture(): Promise<void> {
    try {
      const info = await this.api.chooseCapture({});
      if (info) this.addSource(info);
    } catch (e) {
      this.notify('error', (e as Error).message);
    }
  }

  async closeSource(id: string): Promise<void> {
    if (id === LISTENER_ID) return;
    await this.api.closeSource({ sourceId: id }).catch(() => false);
    const sources = this.state.sources.filter((s) => s.info.id !== id);
    this.set({ ...this.state, sources, activeId: this.state.activeId === id ? sources[sources.length - 1]!.info.id : this.state.activeId });
  }

  setMode(mode: Mode): void {
    this.set({ ...this.state, mode });
  }

  setDiffSlot(which: 'a' | 'b', slot: DiffSlot): void {
    this.set({ ...this.state, diff: { ...this.state.diff, [which]: slot } });
  }

  /** A connection of a source as a diff side, labelled as the table shows it. */
  connectionSlot(sourceId: string, id: number): DiffSlot | null {
    const s = this.source(sourceId), r = s?.rows[id];
    if (!s || !r) return null;
    return { kind: 'connection', sourceId, id, label: `${s.info.name} #${r.stream} ${r.src}:${r.src_port} → ${r.dst}:${r.dst_port}${r.sni ? ` (${r.sni})` : ''}` };
  }

  /** Puts two connections side by side in the diff view and shows it. */
  diffConnections(a: { sourceId: string; id: number }, b: { sourceId: string; id: number }): void {
    const sa = this.connectionSlot(a.sourceId, a.id), sb = this.connectionSlot(b.sourceId, b.id);
    if (!sa || !sb) return;
    this.set({ ...this.state, diff: { a: sa, b: sb }, mode: 'diff' });
  }

  openLabeling(l: AppState['labeling']): void {
    this.set({ ...this.state, labeling: l });
  }

  /** Saves the user's label for a JA4 and shows it on every row with that JA4, in every source. */
  async saveLabel(label: string): Promise<void> {
    const l = this.state.labeling;
    if (!l) return;
    try {
      const saved = await this.api.labelClient({ ja4: l.ja4, label, ...(l.ja4_r ? { ja4_r: l.ja4_r } : {}), ...(l.ja3 ? { ja3: l.ja3 } : {}) });
      const sources = this.state.sources.map((s) => {
        let hit = false;
        for (const r of s.rows) if (r && r.ja4 === saved.ja4) { s.rows[r.id] = { ...r, client: { label: saved.label, confidence: 1, exact: true } }; hit = true; }
        return hit ? { ...s, version: s.version + 1 } : s;
      });
      this.set({ ...this.state, sources, labeling: null });
      this.notify('info', `Labelled ${saved.ja4} as "${saved.label}" (kept in your labels; they win over the bundled knowledge base)`);
    } catch (e) {
      this.notify('error', (e as Error).message);
    }
  }

  notify(kind: Notice['kind'], text: string): void {
    this.set({ ...this.state, notices: [...this.state.notices.slice(-4), { id: this.noticeId++, kind, text }] });
  }

  dismiss(id: number): void {
    this.set({ ...this.state, notices: this.state.notices.filter((n) => n.id !== id) });
  }

  /** Selection: plain click selects one, toggle adds/removes one, range extends from the anchor over `order`. */
  select(sourceId: string, id: number, mode: 'one' | 'toggle' | 'range', order?: readonly number[]): void {
    this.updateSource(sourceId, (s) => {
      let selected: Set<number>;
      if (mode === 'toggle') {
        selected = new Set(s.selected);
        if (selected.has(id)) selected.delete(id); else selected.add(id);
      } else if (mode === 'range' && order && s.anchor !== null) {
        const a = order.indexOf(s.anchor), b = order.indexOf(id);
        selected = new Set(a < 0 || b < 0 ? [id] : order.slice(Math.min(a, b), Math.max(a, b) + 1));
      } else selected = new Set([id]);
      return { ...s, selected, focused: id, anchor: mode === 'range' ? s.anchor : id };
    });
  }
}
