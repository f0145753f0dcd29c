// The live listener as a source of the app: starts and stops the TLS echo listener service and
// turns each observation into a connection row, keeping the most recent records (with their
// hello bytes) for the dissection view.
import type { ConnectionRow, ListenerStatus } from '../../../core/api.js';
import type { ConnectionRecord } from '../../../core/capture/connection.js';
import { connectionRow } from '../../../core/capture/connection-view.js';
import { clientSummary, knownClient, type KbEntry } from '../../../core/knowledge/index.js';
import { startListener, type ListenerHandle } from '../listener/index.js';

/** Records kept for the dissection view; older ones keep their row but not their bytes. */
const KEEP = 20_000;

export class ListenerSource {
  private handle: ListenerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly records: (ConnectionRecord | undefined)[] = [];
  private lastError: string | undefined;

  constructor(private readonly dataDir: string, private readonly labels: () => readonly KbEntry[], private readonly onRow: (row: ConnectionRow) => void, private readonly onStatus: (s: ListenerStatus) => void, private readonly warn: (m: string) => void) {}

  status(): ListenerStatus {
    const h = this.handle;
    if (!h) return { running: false, host: null, port: null, url: null, certSha256: null, count: this.records.length, ...(this.lastError ? { error: this.lastError } : {}) };
    const shown = h.host.includes(':') ? `[${h.host}]` : h.host;
    return { running: true, host: h.host, port: h.port, url: `https://${shown}:${h.port}/`, certSha256: h.certSha256, count: this.records.length };
  }

  record(id: number): ConnectionRecord | undefined {
    return this.records[id];
  }

  async start(host: string, port: number): Promise<ListenerStatus> {
    if (this.handle) return this.status();
    this.lastError = undefined;
    try {
      this.handle = await startListener({ host, port, dataDir: this.dataDir, warn: this.warn });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.lastError = code === 'EADDRINUSE' ? `port ${port} is already in use` : code === 'EACCES' ? `not allowed to listen on port ${port}` : (e as Error).message;
      const s = this.status();
      this.onStatus(s);
      return s;
    }
    this.unsubscribe = this.handle.subscribe(({ record }) => {
      const id = this.records.length;
      for (const h of record.hellos) { const c = clientSummary(knownClient(h, this.labels())); if (c) h.client = c; }
      this.records.push(record);
      if (id >= KEEP) this.records[id - KEEP] = undefined;
      this.onRow(connectionRow(record, id));
      this.onStatus(this.status());
    });
    const s = this.status();
    this.onStatus(s);
    return s;
  }

  async stop(): Promise<ListenerStatus> {
    const h = this.handle;
    this.handle = undefined;
    this.unsubscribe?.();
    if (h) await h.stop();
    const s = this.status();
    this.onStatus(s);
    return s;
  }
}
