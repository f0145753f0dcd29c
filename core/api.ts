// The one contract between the desktop app's renderer and its main process: every method the
// renderer may call and every event it may subscribe to. The main side (electron/services/app)
// implements `HelloscopeApi`; the preload exposes the same names; the end-to-end tests back the
// same names with the same handlers. Everything here is JSON: no typed arrays, no classes, so a
// value crosses Electron IPC and the test bridge unchanged.
import type { Field, Problem } from './dissect/field.js';
import type { FingerprintDiff, FingerprintSide, Ja4hSide } from './explain/diff.js';
import type { ClientMatch } from './knowledge/lookup.js';

/** Every IPC channel is `helloscope:<method>`; the main side refuses any other. */
export const IPC_PREFIX = 'helloscope:';
/** Events arrive on `helloscope-event:<name>`. */
export const IPC_EVENT_PREFIX = 'helloscope-event:';

export type SourceKind = 'capture' | 'listener';

export interface SourceInfo {
  id: string;
  kind: SourceKind;
  /** File name, or `Live listener`. */
  name: string;
  path?: string;
  size?: number;
  /** The key log the capture was opened with. */
  keylogPath?: string;
}

/** One line of the connections table. Fingerprint columns are null when not present. */
export interface ConnectionRow {
  /** Index of the connection within its source (0-based, in the order results arrived). */
  id: number;
  stream: number;
  /** First packet, microseconds since the epoch. */
  time_us: number;
  transport: 'tcp' | 'udp';
  protocol: 'tls' | 'quic' | 'dtls' | 'http' | 'ssh' | 'other';
  src: string;
  src_port: number;
  dst: string;
  dst_port: number;
  sni: string | null;
  /** ALPN values the client offered, comma separated. */
  alpn: string | null;
  ja4: string | null;
  ja4_r: string | null;
  ja3: string | null;
  ja4h: string | null;
  ja4s: string | null;
  /** Number of ClientHellos (more than one after a HelloRetryRequest). */
  hellos: number;
  /** Known client from the knowledge base or the user's labels. */
  client: { label: string; confidence: number; exact: boolean } | null;
  user_agent: string | null;
  problems: number;
}

export interface CaptureProgress {
  sourceId: string;
  bytesRead: number;
  total: number;
  connections: number;
  warnings: number;
  done: boolean;
  cancelled?: boolean;
  /** Set when the file could not be read at all (not a capture, unreadable). */
  error?: string;
}

export interface SourceWarning {
  sourceId: string;
  message: string;
  /** Byte offset in the file. */
  offset?: number;
}

/** A run of bytes in a hex source and what it is: TCP segment (frame), TLS record, message. */
export interface ByteBoundary {
  at: number;
  length: number;
  kind: 'segment' | 'record';
  label: string;
}

/** A buffer the hex view shows; fields point into it by `id`. */
export interface HexSource {
  id: string;
  label: string;
  hex: string;
  boundaries: ByteBoundary[];
}

/** One dissected handshake message or request of a connection, for the tree and hex views. */
export interface DissectionView {
  /** Stable within a connection: `hello-0`, `server-hello`, `cert-0-1`, `http-0`. */
  id: string;
  kind: 'client_hello' | 'server_hello' | 'certificate' | 'http_request';
  title: string;
  /** The connection's transport as JA4's first character sees it. */
  transport: 'tcp' | 'quic' | 'dtls';
  sources: HexSource[];
  fields: Field[];
  problems: Problem[];
  /** Fingerprints computed from this view: name -> value (ja4, ja4_r, ja3, ja4h...). */
  fingerprints: Record<string, string>;
  /** ClientHello views: the known client it matches (knowledge base or the user's labels) and what differs. */
  client?: KnownClient | null;
}

/** A knowledge-base match as views carry it: the entry's names, confidence and differences, and where the entry comes from (`user`, a recording, `curl-impersonate`...). */
export type KnownClient = Omit<ClientMatch, 'entry'> & { source: string };

export interface ConnectionDetail {
  sourceId: string;
  id: number;
  /** The record as `helloscope read --raw --original` prints it. */
  record: Record<string, unknown>;
  views: DissectionView[];
  /** Why a view could not be built (bytes not kept, file changed...). */
  notes: string[];
}

export interface ListenerStatus {
  running: boolean;
  host: string | null;
  port: number | null;
  url: string | null;
  certSha256: string | null;
  /** Connections observed since it started. */
  count: number;
  error?: string;
}

export type ExportFormat = 'ndjson' | 'json';

/** What a diff knows of one connection: its TLS fingerprints and its first HTTP request's JA4H. */
export interface DiffSide {
  name: string;
  tls: FingerprintSide | null;
  http: Ja4hSide | null;
}

/** Why two connections' fingerprints differ: the TLS verdict, and the HTTP one when both have a request. */
export interface ConnectionDiff {
  a: DiffSide;
  b: DiffSide;
  tls: FingerprintDiff | null;
  http: FingerprintDiff | null;
}

/** What the renderer may ask of the main process. Each takes one JSON payload object. */
export interface HelloscopeApi {
  /**
   * Opens a capture by path (drag-and-drop, recent files); rows and progress follow as events.
   * `keylogPath`: an NSS key log (SSLKEYLOGFILE) to decrypt TLS 1.2/1.3 for the HTTP inside.
   */
  openCapture(req: { path: string; keylogPath?: string }): Promise<SourceInfo>;
  /** File > Open capture: the main process shows its dialog; null when cancelled. */
  chooseCapture(req: Record<string, never>): Promise<SourceInfo | null>;
  cancelCapture(req: { sourceId: string }): Promise<boolean>;
  closeSource(req: { sourceId: string }): Promise<boolean>;
  connectionDetail(req: { sourceId: string; id: number }): Promise<ConnectionDetail>;
  /** Writes the chosen connections (`read --raw --original` records) to a file the user picks. */
  exportConnections(req: { sourceId: string; ids: number[]; format: ExportFormat }): Promise<{ path: string | null; count: number }>;
  recentFiles(req: Record<string, never>): Promise<string[]>;
  startListener(req: { host: string; port: number }): Promise<ListenerStatus>;
  stopListener(req: Record<string, never>): Promise<ListenerStatus>;
  listenerStatus(req: Record<string, never>): Promise<ListenerStatus>;
  /** What a diff knows of one connection (its fingerprints), for a diff against pasted text. */
  connectionSide(req: { sourceId: string; id: number }): Promise<DiffSide>;
  /** "Label this client": stores the user's own label for a fingerprint (user data directory). */
  labelClient(req: { ja4: string; ja4_r?: string; ja3?: string; label: string }): Promise<{ label: string; ja4: string }>;
  /** Diffs two connections (any sources). */
  diffConnections(req: { a: { sourceId: string; id: number }; b: { sourceId: string; id: number } }): Promise<ConnectionDiff>;
}

export type ApiMethod = keyof HelloscopeApi;

export const API_METHODS: readonly ApiMethod[] = [
  'openCapture', 'chooseCapture', 'cancelCapture', 'closeSource', 'connectionDetail', 'exportConnections',
  'recentFiles', 'startListener', 'stopListener', 'listenerStatus', 'connectionSide', 'labelClient', 'diffConnections',
];

/** Events the main process pushes; the renderer subscribes with `on(name, cb)` and gets an unsubscribe. */
export interface HelloscopeEvents {
  /** A source was opened from the menu (File > Open capture, recent files). */
  sourceOpened: SourceInfo;
  progress: CaptureProgress;
  /** New connections of a source, in id order, batched. */
  rows: { sourceId: string; rows: ConnectionRow[] };
  warning: SourceWarning;
  listener: ListenerStatus;
}

export type EventName = keyof HelloscopeEvents;

export const EVENT_NAMES: readonly EventName[] = ['sourceOpened', 'progress', 'rows', 'warning', 'listener'];

/** What the preload puts on `window.helloscope`: the API, subscriptions, and the path of a dropped file. */
export interface HelloscopeBridge extends HelloscopeApi {
  on<E extends EventName>(event: E, cb: (payload: HelloscopeEvents[E]) => void): () => void;
  /** Electron's webUtils.getPathForFile: the path of a File from a drop (empty when not a local file). */
  pathForFile(file: unknown): string;
}

/** Errors cross IPC as `{ code, message }`. */
export type ApiErrorCode = 'forbidden_sender' | 'unknown_method' | 'bad_payload' | 'not_found' | 'failed';

/** What every call returns over IPC: the value, or the error as data (Electron would mangle a thrown one). */
export type ApiEnvelope = { ok: true; value: unknown } | { ok: false; error: { code: ApiErrorCode; message: string } };
