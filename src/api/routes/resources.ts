/**
 * @module Resources (`/v1/resources`): create, list, get, delete, and the inventory push
 * (`PUT /v1/resources/{id}/inventory`), which stores a CycloneDX or SPDX document, matches it and
 * reconciles the resource's findings in one transaction.
 */
import { announceNewResource } from '../../service/coverage-events.js';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { deleteResourceAndCloseFindings } from '../../service/delete-resource.js';
import { reconcileInventory } from '../../service/reconcile-inventory.js';
import { asId, type NewResource, type Resource } from '../../store/index.js';
import type { RouteOptions } from '../app.js';
import { principalOf } from '../auth.js';
import { apiError } from '../errors.js';
import { acceptSbomBodies, inventoryOfBody, SbomBody } from '../sbom-body.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { InventoryResult, ListResourcesQuery, NewResourceBody, ResourceList, ResourceSchema } from '../schemas/resource.js';

/** The resource as the API shows it (the soft-delete mark is the store's own business). */
function view(resource: Resource) {
  const { deletedAt: _deletedAt, ...shown } = resource;
  return shown;
}

export const resourceRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.addSchema(ResourceSchema);

  app.post(
    '/',
    { schema: { summary: 'Create a resource', tags: ['resources'], body: NewResourceBody, response: { 201: Type.Ref('Resource'), ...errorResponses(404) } } },
    async (request, reply) => {
      const { accountId } = principalOf(request);
      const body = request.body;
      const account = await ctx.store.getAccount(accountId);
      if (!account) throw apiError('ACCOUNT_NOT_FOUND', `account ${accountId} does not exist`);
      const base = { accountId, region: body.region ?? account.region, name: body.name, tags: body.tags ?? {} };
      const input: NewResource =
        body.type === 'HOST'
          ? { ...base, type: 'HOST', details: body.details ?? {} }
          : body.type === 'CONTAINER_IMAGE'
            ? { ...base, type: 'CONTAINER_IMAGE', details: body.details }
            : { ...base, type: 'FUNCTION', details: body.details };
      const resource = await ctx.store.transaction(async (tx) => {
        const created = await tx.createResource(input);
        await announceNewResource(tx, created, ctx.now());
        return created;
      });
      return reply.status(201).send(view(resource));
    },
  );

  app.get(
    '/',
    { schema: { summary: 'List resources', tags: ['resources'], querystring: ListResourcesQuery, response: { 200: ResourceList, ...errorResponses() } } },
    async (request) => {
      const { accountId } = principalOf(request);
      const q = request.query;
      const page = await ctx.store.listResources(accountId, {
        ...(q.type ? { type: q.type as Resource['type'] } : {}),
        ...(q.region ? { region: q.region } : {}),
        limit: q.maxResults ?? 100,
        ...(q.nextToken ? { after: q.nextToken } : {}),
      });
      return { resources: page.items.map(view), ...(page.next ? { nextToken: page.next } : {}) };
    },
  );

  app.get(
    '/:id',
    { schema: { summary: 'Get a resource', tags: ['resources'], params: IdParams, response: { 200: Type.Ref('Resource'), ...errorResponses(404) } } },
    async (request) => {
      const { accountId } = principalOf(request);
      const resource = await ctx.store.getResource(accountId, asId('ResourceId', request.params.id));
      if (!resource) throw apiError('RESOURCE_NOT_FOUND', `resource ${request.params.id} does not exist`);
      return view(resource);
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        summary: 'Delete a resource; its findings close',
        tags: ['resources'],
        params: IdParams,
        response: { 200: Type.Object({ resourceId: Type.String(), closedFindings: Type.Integer() }), ...errorResponses(404) },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const outcome = await deleteResourceAndCloseFindings(ctx, accountId, asId('ResourceId', request.params.id));
      if (!outcome.deleted) throw apiError('RESOURCE_NOT_FOUND', `resource ${request.params.id} does not exist`);
      return { resourceId: request.params.id, closedFindings: outcome.closedFindings };
    },
  );

  // The inventory push reads its body as text: the SBOM reader parses and checks it itself.
  await app.register(async (scope) => {
    const push = scope.withTypeProvider<TypeBoxTypeProvider>();
    acceptSbomBodies(push);
    push.put(
      '/:id/inventory',
      {
        schema: {
          summary: "Push a resource's inventory (CycloneDX 1.4–1.6 or SPDX 2.3 JSON) and reconcile its findings",
          tags: ['resources'],
          params: IdParams,
          body: SbomBody,
          response: { 200: InventoryResult, ...errorResponses(404, 409, 413, 415, 503) },
        },
      },
      async (request) => {
        const { accountId } = principalOf(request);
        const resourceId = asId('ResourceId', request.params.id);
        if (!(await ctx.store.getResource(accountId, resourceId))) throw apiError('RESOURCE_NOT_FOUND', `resource ${request.params.id} does not exist`);
        const inventory = inventoryOfBody(request.body);
        const now = ctx.now();
        const timestamp = inventory.createdAt && !Number.isNaN(Date.parse(inventory.createdAt)) ? new Date(inventory.createdAt).toISOString() : now.toISOString();
        const result = await reconcileInventory(ctx.store, ctx.vulndb, { accountId, resourceId, inventory, timestamp, now });
        if (result.status === 'not-found') throw apiError('RESOURCE_NOT_FOUND', `resource ${request.params.id} does not exist`);
        if (result.status === 'stale') {
          throw apiError('STALE_INVENTORY', `the stored inventory (taken ${result.storedTimestamp}) is newer than this one (taken ${timestamp})`);
        }
        const { status: _status, ...counts } = result;
        return { resourceId, inventoryTimestamp: timestamp, packages: inventory.packages.length, ...counts };
      },
    );
  });
};
