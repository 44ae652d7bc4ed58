/** @module Coverage as the API answers it (Inspector's ListCoverage and ListCoverageStatistics). */
import { Type, type Static } from 'typebox';
import { coverageReasonCodes, coverageStatusCodes } from '../../service/coverage.js';
import { Tags, Timestamp } from './common.js';
import { ResourceType } from './resource.js';

export const COVERAGE_DEFAULT_PAGE = 100;
export const COVERAGE_MAX_PAGE = 200;

const StatusCode = Type.Enum([...coverageStatusCodes]);
const Reason = Type.Enum([...coverageReasonCodes]);
const counts = <K extends string>(keys: readonly K[]) => Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer()])) as Record<K, ReturnType<typeof Type.Integer>>);

export const CoverageQuery = Type.Object(
  {
    resourceType: Type.Optional(ResourceType),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: COVERAGE_MAX_PAGE, default: COVERAGE_DEFAULT_PAGE })),
    nextToken: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CoverageQuery = Static<typeof CoverageQuery>;

export const CoveredResource = Type.Object(
  {
    accountId: Type.String(),
    region: Type.String(),
    resourceId: Type.String(),
    resourceType: ResourceType,
    scanType: Type.Literal('PACKAGE'),
    scanStatus: Type.Object({ statusCode: StatusCode, reason: Reason }),
    lastScannedAt: Type.Union([Timestamp, Type.Null()], { description: 'The last scan, push or re-evaluation of its inventory' }),
    resourceMetadata: Type.Object({
      name: Type.String(),
      tags: Tags,
      details: Type.Object({}, { additionalProperties: true, description: 'As the resource has them (HOST: platform; CONTAINER_IMAGE: repository, tags, digest, pushedAt, lastPulledAt; FUNCTION: runtime, layers)' }),
      inventory: Type.Union(
        [
          Type.Object({
            timestamp: Timestamp,
            packages: Type.Integer(),
            os: Type.Union([Type.Object({ id: Type.String(), version: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
          }),
          Type.Null(),
        ],
        { description: 'What the stored inventory holds; null before the first' },
      ),
    }),
  },
  { $id: 'CoveredResource' },
);

export const CoveragePage = Type.Object({ coveredResources: Type.Array(Type.Ref('CoveredResource')), nextToken: Type.Optional(Type.String()) });

export const CoverageStatisticsSchema = Type.Object({
  totalCounts: Type.Integer(),
  statusCodes: counts(coverageStatusCodes),
  reasons: counts(coverageReasonCodes),
  resourceTypes: counts(['HOST', 'CONTAINER_IMAGE', 'FUNCTION'] as const),
  staleInventoryDays: Type.Integer({ description: 'The age after which an inventory is STALE_INVENTORY' }),
});
