// One entry point for every API call, whoever carries it (Electron IPC, the end-to-end test
// bridge): the method must be one of the contract's, its payload must validate, and the result
// or the error comes back as an envelope.
import { API_METHODS, type ApiMethod } from '../../../core/api.js';
import { ApiCallError, type ApiEnvelope } from './api-error.js';
import type { AppHandlers } from './handlers.js';
import { validatePayload } from './validate.js';

export type Dispatch = (method: string, payload: unknown) => Promise<ApiEnvelope>;

const isMethod = (m: string): m is ApiMethod => (API_METHODS as readonly string[]).includes(m);

export function createDispatch(handlers: AppHandlers, log?: (message: string) => void): Dispatch {
  return async (method, payload) => {
    try {
      if (typeof method !== 'string' || !isMethod(method)) throw new ApiCallError('unknown_method', `unknown method ${JSON.stringify(method)}`);
      validatePayload(method, payload);
      const fn = handlers[method] as (p: unknown) => Promise<unknown>;
      return { ok: true, value: await fn(payload) };
    } catch (e) {
      if (e instanceof ApiCallError) return { ok: false, error: { code: e.code, message: e.message } };
      log?.(`${method} failed: ${(e as Error).stack ?? e}`);
      return { ok: false, error: { code: 'failed', message: (e as Error).message ?? String(e) } };
    }
  };
}
