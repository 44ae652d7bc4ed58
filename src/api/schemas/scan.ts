/** @module Scans the server runs (`/v1/scans`): what a request names and what a scan record says. */
import { Type, type Static } from 'typebox';
import { Timestamp } from './common.js';
import { NewResourceBody } from './resource.js';

/** The longest target accepted (Linux's PATH_MAX, plus a prefix). */
export const MAX_TARGET_LENGTH = 4096 + 32;

export const NewScanBody = Type.Object(
  {
    target: Type.String({
      minLength: 1,
      maxLength: MAX_TARGET_LENGTH,
      description:
        'An absolute path the server can read: a root filesystem or folder (`/mnt/snapshot`, `dir:/srv/app`), an image archive ' +
        '(`oci-archive:/x.tar`, `docker-archive:/x.tar`, `oci-dir:/layout`), a zip (`zip:/fn.zip`), one file (`file:/app.jar`), or a plain path recognised by its content',
    }),
    resource: Type.Union(
      [
        Type.Object({ id: Type.String({ minLength: 1, maxLength: 200, description: 'An existing resource of the account' }) }, { additionalProperties: false }),
        // The same choices as POST /v1/resources (without its $id, which that route's schema owns).
        ...NewResourceBody.anyOf,
      ],
      { description: 'The resource the scan is for: `{ "id" }` of an existing one, or a new resource as POST /v1/resources takes it' },
    ),
  },
  { additionalProperties: false },
);
export type NewScanBody = Static<typeof NewScanBody>;

export const ScanAccepted = Type.Object({
  scanId: Type.String(),
  resourceId: Type.String(),
  status: Type.Literal('QUEUED'),
});

export const ScanRecord = Type.Object(
  {
    id: Type.String(),
    accountId: Type.String(),
    region: Type.String(),
    resourceId: Type.String(),
    target: Type.String(),
    status: Type.Enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']),
    attempts: Type.Integer({ description: 'How many times a worker has started the scan' }),
    result: Type.Union([
      Type.Object({
        packages: Type.Integer(),
        warnings: Type.Integer(),
        created: Type.Integer(),
        updated: Type.Integer(),
        closed: Type.Integer(),
        reopened: Type.Integer(),
        unchanged: Type.Integer(),
      }),
      Type.Null(),
    ]),
    error: Type.Union([Type.String({ description: 'Why a FAILED scan failed (a target that does not exist, cannot be read, …)' }), Type.Null()]),
    createdAt: Timestamp,
    startedAt: Type.Union([Timestamp, Type.Null()]),
    finishedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'Scan' },
);
