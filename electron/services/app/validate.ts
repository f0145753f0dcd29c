// Payload validation for every API method: the main process trusts nothing the renderer sends.
// Each validator names the method and the member that is wrong.
import type { ApiMethod } from '../../../core/api.js';
import { ApiCallError } from './api-error.js';

type Check = (v: unknown, at: string) => void;

const bad = (at: string, what: string): never => { throw new ApiCallError('bad_payload', `${at} ${what}`); };

const str = (max: number): Check => (v, at) => {
  if (typeof v !== 'string') bad(at, 'must be a string');
  if ((v as string).length === 0 || (v as string).length > max) bad(at, `must be 1 to ${max} characters`);
};
const int = (min: number, max: number): Check => (v, at) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(at, `must be an integer from ${min} to ${max}`);
};
const oneOf = (...values: string[]): Check => (v, at) => {
  if (typeof v !== 'string' || !values.includes(v)) bad(at, `must be one of ${values.join(', ')}`);
};
const list = (item: Check, max: number): Check => (v, at) => {
  if (!Array.isArray(v)) bad(at, 'must be an array');
  if ((v as unknown[]).length > max) bad(at, `must have at most ${max} items`);
  (v as unknown[]).forEach((x, i) => item(x, `${at}[${i}]`));
};
const obj = (shape: Record<string, Check>): Check => (v, at) => {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) bad(at, 'must be a plain object');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!Object.hasOwn(shape, k)) bad(`${at}.${k}`, 'is not expected');
  for (const [k, check] of Object.entries(shape)) check(o[k], `${at}.${k}`);
};

const sourceId = str(64);
const optional = (check: Check): Check => (v, at) => { if (v !== undefined) check(v, at); };
const connId = int(0, 2 ** 31);
const ref = obj({ sourceId, id: connId });
/** An absolute path (POSIX or Windows); the main process opens nothing relative to its cwd. */
const absPath: Check = (v, at) => {
  str(4096)(v, at);
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(v as string)) bad(at, 'must be an absolute path');
  if ((v as string).includes('\0')) bad(at, 'must not contain NUL');
};
const host: Check = (v, at) => {
  str(255)(v, at);
  if (!/^[A-Za-z0-9.:-]+$/.test(v as string)) bad(at, 'must be a host name or IP address');
};

export const PAYLOADS: Record<ApiMethod, Check> = {
  openCapture: obj({ path: absPath, keylogPath: (v, at) => { if (v !== undefined) absPath(v, at); } }),
  chooseCapture: obj({}),
  cancelCapture: obj({ sourceId }),
  closeSource: obj({ sourceId }),
  connectionDetail: obj({ sourceId, id: connId }),
  exportConnections: obj({ sourceId, ids: list(connId, 1_000_000), format: oneOf('ndjson', 'json') }),
  recentFiles: obj({}),
  startListener: obj({ host, port: int(0, 65535) }),
  stopListener: obj({}),
  listenerStatus: obj({}),
  connectionSide: ref,
  // The JA4 format itself is checked by the label store (with the offending value in the message).
  labelClient: obj({ ja4: str(64), ja4_r: optional(str(4096)), ja3: optional(str(64)), label: str(200) }),
  diffConnections: obj({ a: ref, b: ref }),
};

export function validatePayload(method: ApiMethod, payload: unknown): void {
  PAYLOADS[method](payload, `${method}: payload`);
}
