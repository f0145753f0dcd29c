// The one error type app handlers throw; it crosses IPC as `{ code, message }`.
import type { ApiErrorCode } from '../../../core/api.js';
export type { ApiEnvelope } from '../../../core/api.js';

export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(readonly code: ApiErrorCode, message: string) {
    super(message);
  }
}
