/** @module Errors Vigil reports to its user: each with a stable code, a one-line message and no stack. */

export type VigilErrorCode =
  | 'TARGET_NOT_FOUND'
  | 'TARGET_UNREADABLE'
  | 'TARGET_CORRUPT'
  | 'TARGET_UNRECOGNISED'
  | 'PLATFORM_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'OUTPUT_FAILED'
  | 'VULNDB_MISSING'
  | 'VULNDB_INVALID'
  | 'FEED_UNRECOGNISED'
  | 'NETWORK_UNAVAILABLE';

/** An error that is the input's fault, not Vigil's: the CLI prints its message alone and exits 2. */
export class VigilError extends Error {
  readonly code: VigilErrorCode;
  constructor(code: VigilErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
  }
}

export function isVigilError(error: unknown): error is VigilError {
  return error instanceof VigilError;
}

/** The message of an unknown thrown value, for one-line reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
