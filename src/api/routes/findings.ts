/**
 * @module Findings (`/v1/findings`): Inspector's ListFindings as `POST /search` (criteria, sort,
 * cursor pages of at most 100), one finding by id, and ListFindingAggregations as
 * `POST /aggregations`. Searching runs in the store's SQL; the criteria language and the order
 * are the ones src/findings defines.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { decodeCursor, DEFAULT_SORT, encodeCursor, MAX_PAGE_SIZE, parseCriteria, sortFields, type Cursor, type FilterCriteria, type SortCriteria } from '../../findings/index.js';
import { asId, type StoredFinding, type StoredFindingHead, type StoredFindingText } from '../../store/index.js';
import { findingAggregationSortBys, findingAggregationTypes, type FindingAggregationSortBy, type FindingAggregationType } from '../../store/index.js';
import type { RouteOptions } from '../app.js';
import { principalOf } from '../auth.js';
import { apiError } from '../errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { FilterCriteriaSchema } from '../schemas/criteria.js';
import { ServiceFinding } from '../schemas/finding.js';

/** The service's own fields of a finding as the API shows them, after the scanner's. */
function serviceFields(record: StoredFindingHead) {
  return {
    id: record.id,
    status: record.status,
    type: record.type,
    accountId: record.accountId,
    region: record.region,
    resourceId: record.resourceId,
    resourceType: record.resourceType,
    firstObservedAt: record.firstObservedAt,
    lastObservedAt: record.lastObservedAt,
    updatedAt: record.updatedAt,
    closedAt: record.closedAt,
    vigilScore: record.vigilScore === null ? null : { score: record.vigilScore.score, scoreAdjustments: record.vigilScore.adjustments },
  };
}

/** A stored finding as the API shows it: the scanner's fields at top level, then the service's. */
export function findingView(record: StoredFinding) {
  return { ...record.finding, ...serviceFields(record) };
}

/**
 * findingView's JSON text, made from the body's stored text without parsing it: the body's
 * members, then the service's.
 */
export function findingViewJson(record: StoredFindingText): string {
  const service = JSON.stringify(serviceFields(record));
  const body = record.findingJson.trimEnd();
  // An object with no members has no comma before the service's (the regex fails at once on any other).
  return /^\s*\{\s*\}$/.test(body) ? service : `${body.slice(0, -1)},${service.slice(1)}`;
}

/**
 * A search page's JSON text, its findings written by findingViewJson. The search route writes
 * its answer with this instead of the schema's serializer (the schema still describes it).
 */
export function searchPageJson(page: { findings: StoredFindingText[]; nextToken?: string }): string {
  const nextToken = page.nextToken === undefined ? '' : `,"nextToken":${JSON.stringify(page.nextToken)}`;
  return `{"findings":[${page.findings.map(findingViewJson).join(',')}]${nextToken}}`;
}

/** Validated criteria, or an INVALID_CRITERIA error naming what is wrong. */
export function criteriaOf(input: unknown): FilterCriteria {
  if (input === undefined) return {};
  const parsed = parseCriteria(input);
  if (!parsed.ok) throw apiError('INVALID_CRITERIA', parsed.error.message);
  return parsed.criteria;
}

/** The cursor of a nextToken made for this same sort. */
export function cursorOf(token: string | undefined, sort: SortCriteria): Cursor | undefined {
  if (token === undefined || token === '') return undefined;
  const decoded = decodeCursor(token);
  if (!decoded.ok) throw apiError('INVALID_TOKEN', decoded.error.message);
  const { cursor } = decoded;
  if (cursor.sort.field !== sort.field || cursor.sort.sortOrder !== sort.sortOrder) {
    throw apiError('INVALID_TOKEN', `nextToken belongs to a search sorted by ${cursor.sort.field} ${cursor.sort.sortOrder}, not ${sort.field} ${sort.sortOrder}`);
  }
  return cursor;
}

const SearchBody = Type.Object(
  {
    filterCriteria: Type.Optional(Type.Ref('FilterCriteria')),
    sortCriteria: Type.Optional(Type.Object({ field: Type.Enum([...sortFields]), sortOrder: Type.Enum(['ASC', 'DESC']) }, { additionalProperties: false })),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
    nextToken: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);

const AggregationBody = Type.Object(
  {
    aggregationType: Type.Enum([...findingAggregationTypes]),
    filterCriteria: Type.Optional(Type.Ref('FilterCriteria')),
    sortBy: Type.Optional(Type.Enum([...findingAggregationSortBys])),
    sortOrder: Type.Optional(Type.Enum(['ASC', 'DESC'])),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
    nextToken: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);

const Counts = Type.Object({
  all: Type.Integer(),
  critical: Type.Integer(),
  high: Type.Integer(),
  medium: Type.Integer(),
  low: Type.Integer(),
  informational: Type.Integer(),
  untriaged: Type.Integer(),
  fixAvailable: Type.Integer(),
  exploitAvailable: Type.Integer(),
});

/** One group: the fields that name it (which depend on the type) and its counts. */
const AggregationGroup = Type.Object(
  {
    type: Type.Enum([...findingAggregationTypes]),
    counts: Counts,
    accountId: Type.Optional(Type.String()),
    resourceId: Type.Optional(Type.String()),
    resourceType: Type.Optional(Type.String()),
    packageEcosystem: Type.Optional(Type.String()),
    packageName: Type.Optional(Type.String()),
    vulnerabilityId: Type.Optional(Type.String()),
    repository: Type.Optional(Type.String()),
    affectedImages: Type.Optional(Type.Integer()),
    layerDigest: Type.Optional(Type.String()),
    functionName: Type.Optional(Type.String()),
    runtime: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: false },
);

export const findingRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.addSchema(FilterCriteriaSchema);
  app.addSchema(ServiceFinding);

  app.post(
    '/search',
    {
      config: { role: 'read-only' },
      schema: {
        summary: 'Search findings (Inspector ListFindings)',
        tags: ['findings'],
        body: SearchBody,
        response: { 200: Type.Object({ findings: Type.Array(Type.Ref('Finding')), nextToken: Type.Optional(Type.String()) }), ...errorResponses() },
      },
    },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const body = request.body;
      const criteria = criteriaOf(body.filterCriteria);
      const sort: SortCriteria = body.sortCriteria ? { field: body.sortCriteria.field as SortCriteria['field'], sortOrder: body.sortCriteria.sortOrder as SortCriteria['sortOrder'] } : DEFAULT_SORT;
      const after = cursorOf(body.nextToken, sort);
      const page = await ctx.store.searchFindings(accountId, { criteria, sort, limit: body.maxResults ?? MAX_PAGE_SIZE, ...(after ? { after } : {}) });
      reply.type('application/json; charset=utf-8').serializer(searchPageJson);
      return { findings: page.findings, ...(page.next ? { nextToken: encodeCursor(page.next) } : {}) };
    },
  );

  app.post(
    '/aggregations',
    {
      config: { role: 'read-only' },
      schema: {
        summary: 'Count findings per account, resource, package, vulnerability, repository, image layer or function (Inspector ListFindingAggregations)',
        tags: ['findings'],
        body: AggregationBody,
        response: {
          200: Type.Object({ aggregationType: Type.String(), responses: Type.Array(AggregationGroup), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const body = request.body;
      const criteria = criteriaOf(body.filterCriteria);
      const page = await ctx.store.aggregateFindings(accountId, {
        type: body.aggregationType as FindingAggregationType,
        criteria,
        ...(body.sortBy ? { sortBy: body.sortBy as FindingAggregationSortBy } : {}),
        ...(body.sortOrder ? { sortOrder: body.sortOrder as 'ASC' | 'DESC' } : {}),
        limit: body.maxResults ?? MAX_PAGE_SIZE,
        ...(body.nextToken ? { after: body.nextToken } : {}),
      });
      return { aggregationType: body.aggregationType, responses: page.groups, ...(page.next ? { nextToken: page.next } : {}) };
    },
  );

  app.get(
    '/:id',
    { schema: { summary: 'Get one finding', tags: ['findings'], params: IdParams, response: { 200: Type.Ref('Finding'), ...errorResponses(404) } } },
    async (request) => {
      const { accountId } = principalOf(request);
      const record = await ctx.store.getFinding(accountId, asId('FindingId', request.params.id));
      if (!record) throw apiError('FINDING_NOT_FOUND', `finding ${request.params.id} does not exist`);
      return findingView(record);
    },
  );
};
