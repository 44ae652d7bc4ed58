/** @module Schemas every route group shares: the error body, ids in paths, times, pages. */
import { Type, type Static } from 'typebox';
import { apiErrorStatus } from '../errors.js';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Enum(Object.keys(apiErrorStatus)),
      message: Type.String(),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every 4xx and 5xx answer has this shape.' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** The error answers a route may give, for its schema (OpenAPI lists them). */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries([...new Set([400, 401, 403, ...statuses])].map((status) => [status, Type.Ref('ErrorResponse')]));
}

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const Tags = Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 256 }), {
  description: 'Resource tags, key → value',
});
