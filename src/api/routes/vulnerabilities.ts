/**
 * @module `GET /v1/vulnerabilities/{id}`: one vulnerability by any of its names (CVE, GHSA, GO-,
 * PYSEC-, RUSTSEC-, DSA-…), every advisory that shares an id or alias merged with NVD, KEV and EPSS
 * — what `vigil db search --json` prints. Public intelligence, the same for every account, but
 * still behind a key like everything under /v1.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { describeVulnerability } from '../../vulndb/describe.js';
import type { RouteOptions } from '../app.js';
import { apiError } from '../errors.js';
import { errorResponses, IdParams } from '../schemas/common.js';
import { VulnerabilitySchema } from '../schemas/vulnerability.js';

export const vulnerabilityRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.addSchema(VulnerabilitySchema);

  app.get(
    '/:id',
    {
      schema: {
        summary: 'Look up one vulnerability by any id or alias (vigil db search)',
        tags: ['vulnerabilities'],
        params: IdParams,
        response: { 200: Type.Ref('Vulnerability'), ...errorResponses(404, 503) },
      },
    },
    async (request) => {
      const entry = describeVulnerability(ctx.vulndb.current(), request.params.id);
      if (!entry) throw apiError('VULNERABILITY_NOT_FOUND', `${request.params.id.trim()} is not in the vulnerability database`);
      return entry;
    },
  );
};
