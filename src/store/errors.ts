/** @module Errors the store raises, each with a stable code the API maps to a status. */

export type StoreErrorCode =
  /** The account a record would belong to does not exist. */
  | 'ACCOUNT_NOT_FOUND'
  /** The resource does not exist, is another account's, or was deleted. */
  | 'RESOURCE_NOT_FOUND'
  /** One batch names the same finding identity twice. */
  | 'DUPLICATE_FINDING_IDENTITY'
  /** A timestamp that is not ISO 8601. */
  | 'INVALID_TIMESTAMP'
  /** A search or aggregation cursor made for another query, or not made by the store. */
  | 'INVALID_CURSOR'
  /** The database could not be opened or migrated. */
  | 'STORE_UNAVAILABLE';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
