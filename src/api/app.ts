/**
 * @module The HTTP API: Fastify with JSON schemas on every route, an OpenAPI 3.1 document built
 * from them at `/openapi.json`, API-key auth on `/v1`, and one error shape. Route groups are
 * registered here, one line each.
 */
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import type { JobQueue } from '../jobs/types.js';
import type { ServiceContext } from '../service/context.js';
import { vigilVersion } from '../version.js';
import { assertRole, authenticate, requiredRole } from './auth.js';
import { installErrorHandlers } from './errors.js';
import { coverageRoutes } from './routes/coverage.js';
import { eventRoutes } from './routes/events.js';
import { filterRoutes } from './routes/filters.js';
import { findingRoutes } from './routes/findings.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { resourceRoutes } from './routes/resources.js';
import { scanSbomRoutes } from './routes/scan-sbom.js';
import { scanRoutes } from './routes/scans.js';
import { vulnerabilityRoutes } from './routes/vulnerabilities.js';
import { ErrorResponse } from './schemas/common.js';

export interface AppOptions {
  ctx: ServiceContext;
  jobs: JobQueue;
  /** Largest request body in bytes, except where a route sets its own (default 32 MiB). */
  bodyLimit?: number;
}

/** Everything a route group is handed. */
export interface RouteOptions {
  ctx: ServiceContext;
  jobs: JobQueue;
}

/** The app with its type provider, as route groups and tests see it. */
export type VigilApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export async function buildApp(options: AppOptions): Promise<VigilApp> {
  const { ctx, jobs } = options;
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Unknown keys are refused, not silently dropped: a typo in a request must not pass as valid.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandlers(app);
  app.addSchema(ErrorResponse);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Vigil API', version: vigilVersion, description: 'Self-hosted vulnerability management: resources, inventories, stateful findings.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key made by `vigil keys create`' } } },
      security: [{ apiKey: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const routeOptions: RouteOptions = { ctx, jobs };
  await app.register(metricsRoutes, routeOptions); // first: its onResponse hook counts every route
  await app.register(healthRoutes, routeOptions);

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        const principal = await authenticate(ctx.store, request);
        assertRole(principal, requiredRole(request.method, request.routeOptions.config.role));
        request.principal = principal;
      });
      await v1.register(resourceRoutes, { ...routeOptions, prefix: '/resources' });
      await v1.register(findingRoutes, { ...routeOptions, prefix: '/findings' });
      await v1.register(filterRoutes, { ...routeOptions, prefix: '/filters' });
      await v1.register(scanRoutes, { ...routeOptions, prefix: '/scans' });
      await v1.register(scanSbomRoutes, { ...routeOptions, prefix: '/scan-sbom' });
      await v1.register(vulnerabilityRoutes, { ...routeOptions, prefix: '/vulnerabilities' });
      await v1.register(eventRoutes, { ...routeOptions, prefix: '/events' });
      await v1.register(coverageRoutes, { ...routeOptions, prefix: '/coverage' });
    },
    { prefix: '/v1' },
  );

  return app;
}
