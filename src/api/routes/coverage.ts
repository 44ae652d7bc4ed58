/**
 * @module Coverage (`/v1/coverage`): every undeleted resource of the account with its scan status
 * (ACTIVE or INACTIVE and Inspector's reason: src/service/coverage.ts decides), paged; and
 * `/statistics`, the counts by status code, reason and resource type.
 *
 * The decision needs a summary of each stored inventory (package count, types, distribution). The
 * store keeps only the whole document, so a summary is made by reading it once and is remembered
 * per (resource, inventory timestamp, last scan): a new inventory changes the key. A summary column
 * written by the store beside the inventory would spare even the first read.
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListCoverage.html
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { countCoverage, decideCoverage, STALE_INVENTORY_DAYS_SETTING, staleInventoryDaysOf, summarizeInventory, type InventorySummary } from '../../service/coverage.js';
import { resourceTypes, type AccountId, type Resource, type ResourceType } from '../../store/index.js';
import { LruCache } from '../../vulndb/lru-cache.js';
import type { RouteOptions } from '../app.js';
import { principalOf } from '../auth.js';
import { errorResponses } from '../schemas/common.js';
import { COVERAGE_DEFAULT_PAGE, CoveragePage, CoverageQuery, CoverageStatisticsSchema, CoveredResource } from '../schemas/coverage.js';

/** Inventory summaries remembered; each is a few hundred bytes. */
const SUMMARY_CACHE_ENTRIES = 50_000;

/** Resources read per store page while counting. */
const STATISTICS_PAGE = 1000;

export const coverageRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.addSchema(CoveredResource);
  const summaries = new LruCache<string, InventorySummary | null>(SUMMARY_CACHE_ENTRIES);

  /** The stored inventory's summary; undefined when there is none. */
  const summaryOf = async (resource: Resource): Promise<InventorySummary | undefined> => {
    if (resource.inventoryTimestamp === null) return undefined;
    const key = `${resource.id}\u0000${resource.inventoryTimestamp}\u0000${resource.lastScannedAt ?? ''}`;
    const known = summaries.get(key);
    if (known !== undefined) return known ?? undefined;
    const stored = await ctx.store.getInventory(resource.id);
    const summary = stored ? summarizeInventory(stored.inventory) : null;
    summaries.set(key, summary);
    return summary ?? undefined;
  };

  const coverageOptions = async () => ({ now: ctx.now(), staleInventoryDays: staleInventoryDaysOf(await ctx.store.getSetting(STALE_INVENTORY_DAYS_SETTING)) });

  const coveredResource = async (resource: Resource, options: Awaited<ReturnType<typeof coverageOptions>>) => {
    const summary = await summaryOf(resource);
    const scanStatus = decideCoverage({ tags: resource.tags, inventoryTimestamp: resource.inventoryTimestamp, inventory: summary }, options);
    return {
      accountId: resource.accountId,
      region: resource.region,
      resourceId: resource.id,
      resourceType: resource.type,
      scanType: 'PACKAGE' as const,
      scanStatus,
      lastScannedAt: resource.lastScannedAt,
      resourceMetadata: {
        name: resource.name,
        tags: resource.tags,
        details: resource.details as Record<string, unknown>,
        inventory:
          summary && resource.inventoryTimestamp
            ? {
                timestamp: resource.inventoryTimestamp,
                packages: summary.packages,
                os: summary.distro ? { id: summary.distro.id, version: summary.distro.versionId ?? null } : null,
              }
            : null,
      },
    };
  };

  /** Every undeleted resource of the account, page by page. */
  async function* allResources(accountId: AccountId): AsyncGenerator<Resource> {
    let after: string | undefined;
    do {
      const page = await ctx.store.listResources(accountId, { limit: STATISTICS_PAGE, ...(after ? { after } : {}) });
      yield* page.items;
      after = page.next;
    } while (after);
  }

  app.get(
    '/',
    {
      schema: {
        summary: "The account's resources with their scan status and reason (Inspector ListCoverage)",
        tags: ['coverage'],
        querystring: CoverageQuery,
        response: { 200: CoveragePage, ...errorResponses() },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const q = request.query;
      const page = await ctx.store.listResources(accountId, {
        ...(q.resourceType ? { type: q.resourceType as ResourceType } : {}),
        limit: q.maxResults ?? COVERAGE_DEFAULT_PAGE,
        ...(q.nextToken ? { after: q.nextToken } : {}),
      });
      const options = await coverageOptions();
      const coveredResources = [];
      for (const resource of page.items) coveredResources.push(await coveredResource(resource, options));
      return { coveredResources, ...(page.next ? { nextToken: page.next } : {}) };
    },
  );

  app.get(
    '/statistics',
    {
      schema: {
        summary: "Counts of the account's resources by scan status code, reason and resource type (Inspector ListCoverageStatistics)",
        tags: ['coverage'],
        response: { 200: CoverageStatisticsSchema, ...errorResponses() },
      },
    },
    async (request) => {
      const { accountId } = principalOf(request);
      const options = await coverageOptions();
      const items = [];
      for await (const resource of allResources(accountId)) items.push(await coveredResource(resource, options));
      return { ...countCoverage(items, resourceTypes), staleInventoryDays: options.staleInventoryDays };
    },
  );
};
