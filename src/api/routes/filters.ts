/**
 * @module Filters and suppression rules (`/v1/filters`): a name, Inspector's criteria, action NONE
 * (a saved filter) or SUPPRESS (matching findings, present and future, become SUPPRESSED). Creating,
 * editing or deleting a SUPPRESS rule queues a job that judges the account's open findings again.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { asId, type AccountId, type Filter, type FilterAction } from '../../store/index.js';
import type { RouteOptions } from '../app.js';
import { principalOf } from '../auth.js';
import { apiError } from '../errors.js';
import { errorResponses, IdParams, Timestamp } from '../schemas/common.js';
import { FilterCriteriaSchema } from '../schemas/criteria.js';
import { criteriaOf } from './findings.js';

const FilterSchema = Type.Object(
  {
    id: Type.String(),
    accountId: Type.String(),
    region: Type.String(),
    name: Type.String(),
    criteria: Type.Ref('FilterCriteria'),
    action: Type.Enum(['NONE', 'SUPPRESS']),
    reason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Filter' },
);

const Name = Type.String({ minLength: 1, maxLength: 128 });
const Reason = Type.String({ maxLength: 512 });
const Action = Type.Enum(['NONE', 'SUPPRESS']);

const NewFilterBody = Type.Object(
  { name: Name, criteria: Type.Ref('FilterCriteria'), action: Action, reason: Type.Optional(Reason), region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
const FilterChangesBody = Type.Object(
  { name: Type.Optional(Name), criteria: Type.Optional(Type.Ref('FilterCriteria')), action: Type.Optional(Action), reason: Type.Optional(Type.Union([Reason, Type.Null()])) },
  { additionalProperties: false, minProperties: 1 },
);

export const filterRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, jobs }) => {
  app.addSchema(FilterSchema);
  // Criteria are registered by the findings group in production; a test may register this group alone.
  if (!app.getSchema('FilterCriteria')) app.addSchema(FilterCriteriaSchema);

  /** Suppression changed for the account: one queued job judges its findings again. */
  const requeueSuppression = async (accountId: AccountId, ...actions: (FilterAction | undefined)[]) => {
    if (!actions.includes('SUPPRESS')) return;
    await jobs.send('suppression', { accountId }, { singletonKey: `suppression:${accountId}` });
  };

  app.post(
    '/',
    { schema: { summary: 'Create a filter or suppression rule', tags: ['filters'], body: NewFilterBody, response: { 201: Type.Ref('Filter'), ...errorResponses(404) } } },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const body = request.body;
      const criteria = criteriaOf(body.criteria);
      const account = await ctx.store.getAccount(accountId);
      if (!account) throw apiError('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
      const filter = await ctx.store.createFilter({
        accountId,
        region: body.region ?? account.region,
        name: body.name,
        criteria,
        action: body.action as FilterAction,
        reason: body.reason ?? null,
      });
      await requeueSuppression(accountId, filter.action);
      return reply.status(201).send(filter);
    },
  );

  app.get(
    '/',
    {
      schema: {
        summary: 'List filters',
        tags: ['filters'],
        querystring: Type.Object({ action: Type.Optional(Action) }, { additionalProperties: false }),
        response: { 200: Type.Object({ filters: Type.Array(Type.Ref('Filter')) }), ...errorResponses() },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const action = request.query.action as FilterAction | undefined;
      return { filters: await ctx.store.listFilters(accountId, action ? { action } : {}) };
    },
  );

  app.get(
    '/:id',
    { schema: { summary: 'Get a filter', tags: ['filters'], params: IdParams, response: { 200: Type.Ref('Filter'), ...errorResponses(404) } } },
    async (request) => {
      const { accountId } = principalOf(request);
      const filter = await ctx.store.getFilter(accountId, asId('FilterId', request.params.id));
      if (!filter) throw apiError('FILTER_NOT_FOUND', `filter ${request.params.id} does not exist`);
      return filter;
    },
  );

  app.put(
    '/:id',
    {
      schema: { summary: 'Change a filter', tags: ['filters'], params: IdParams, body: FilterChangesBody, response: { 200: Type.Ref('Filter'), ...errorResponses(404) } },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const id = asId('FilterId', request.params.id);
      const body = request.body;
      const before: Filter | undefined = await ctx.store.getFilter(accountId, id);
      if (!before) throw apiError('FILTER_NOT_FOUND', `filter ${request.params.id} does not exist`);
      const updated = await ctx.store.updateFilter(accountId, id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.criteria !== undefined ? { criteria: criteriaOf(body.criteria) } : {}),
        ...(body.action !== undefined ? { action: body.action as FilterAction } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      });
      if (!updated) throw apiError('FILTER_NOT_FOUND', `filter ${request.params.id} does not exist`);
      await requeueSuppression(accountId, before.action, updated.action);
      return updated;
    },
  );

  app.delete(
    '/:id',
    { schema: { summary: 'Delete a filter', tags: ['filters'], params: IdParams, response: { 204: Type.Null(), ...errorResponses(404) } } },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const id = asId('FilterId', request.params.id);
      const before = await ctx.store.getFilter(accountId, id);
      if (!before || !(await ctx.store.deleteFilter(accountId, id))) throw apiError('FILTER_NOT_FOUND', `filter ${request.params.id} does not exist`);
      await requeueSuppression(accountId, before.action);
      return reply.status(204).send(null);
    },
  );
};
