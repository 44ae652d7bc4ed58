/**
 * @module The API's errors: a catalogue of codes, each with its HTTP status, and the one place
 * any thrown value becomes `{ "error": { "code", "message" } }`. Every code is listed in
 * docs/errors.md.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isVigilError } from '../errors.js';
import { isStoreError, type StoreErrorCode } from '../store/index.js';

export const apiErrorStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CRITERIA: 400,
  INVALID_TOKEN: 400,
  INVALID_SBOM: 400,
  INVALID_TARGET: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  SCAN_TARGET_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  RESOURCE_NOT_FOUND: 404,
  FINDING_NOT_FOUND: 404,
  FILTER_NOT_FOUND: 404,
  SCAN_NOT_FOUND: 404,
  VULNERABILITY_NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  STALE_INVENTORY: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  VULNDB_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ApiErrorCode = keyof typeof apiErrorStatus;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = apiErrorStatus[code];
  }
}

export function apiError(code: ApiErrorCode, message: string): ApiError {
  return new ApiError(code, message);
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string };
}

const storeCodes: Partial<Record<StoreErrorCode, ApiErrorCode>> = {
  ACCOUNT_NOT_FOUND: 'ACCOUNT_NOT_FOUND',
  RESOURCE_NOT_FOUND: 'RESOURCE_NOT_FOUND',
  INVALID_TIMESTAMP: 'VALIDATION_FAILED',
  INVALID_CURSOR: 'INVALID_TOKEN',
};

/** Fastify's own errors for bad requests, by their code. */
const fastifyCodes: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

/** Maps anything thrown by a route to its code and message; unknown errors are INTERNAL. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isStoreError(error)) {
    const code = storeCodes[error.code];
    if (code) return new ApiError(code, error.message);
  }
  if (isVigilError(error)) {
    if (error.code === 'VULNDB_MISSING' || error.code === 'VULNDB_INVALID') return new ApiError('VULNDB_UNAVAILABLE', error.message);
    return new ApiError('INVALID_TARGET', error.message);
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown };
  if (fastifyError.validation) return new ApiError('VALIDATION_FAILED', fastifyError.message ?? 'the request is not valid');
  if (typeof fastifyError.code === 'string' && fastifyCodes[fastifyError.code]) {
    return new ApiError(fastifyCodes[fastifyError.code]!, fastifyError.message ?? fastifyError.code);
  }
  // A JSON body that does not parse reaches here as a SyntaxError with status 400.
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new ApiError('MALFORMED_JSON', `the body is not valid JSON: ${error.message}`);
  return new ApiError('INTERNAL', 'internal error');
}

/** Installs the error and not-found handlers that give every failure the one error shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any server, logger and type provider
export function installErrorHandlers(app: FastifyInstance<any, any, any, any, any>): void {
  app.setErrorHandler((error, request, reply) => {
    const apiErr = toApiError(error);
    if (apiErr.code === 'INTERNAL') request.log.error({ err: error }, 'request failed');
    const body: ErrorBody = { error: { code: apiErr.code, message: apiErr.message } };
    return reply.status(apiErr.statusCode).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } };
    return reply.status(404).send(body);
  });
}
