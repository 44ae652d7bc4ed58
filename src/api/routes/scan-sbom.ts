/**
 * @module `POST /v1/scan-sbom`: Inspector's ScanSbom. A CycloneDX or SPDX JSON document in, the
 * `vigil scan --format json` result out; nothing is stored. The body has no size cap of Vigil's
 * own: it is read as one string, so V8's longest string (`buffer.constants.MAX_STRING_LENGTH`,
 * 536,870,888 bytes ≈ 512 MiB on 64-bit Node 20) is the ceiling, and a larger body is 413. Memory
 * is the practical limit below it: the body, its parse and the findings are all held at once.
 * @see https://docs.aws.amazon.com/inspector/v2/APIReference/API_ScanSbom.html
 */
import { constants as bufferConstants } from 'node:buffer';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { scanInventory } from '../../scan/scan-target.js';
import type { RouteOptions } from '../app.js';
import { acceptSbomBodies, inventoryOfBody, SbomBody } from '../sbom-body.js';
import { errorResponses } from '../schemas/common.js';
import { ScanFinding } from '../schemas/finding.js';
import { ScanResultSchema } from '../schemas/scan-result.js';

/** The largest SBOM body: the longest string V8 can make, in bytes (UTF-8 never has fewer bytes than characters). */
export const SCAN_SBOM_BODY_LIMIT = bufferConstants.MAX_STRING_LENGTH;

export const scanSbomRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.addSchema(ScanFinding);
  app.addSchema(ScanResultSchema);
  acceptSbomBodies(app, SCAN_SBOM_BODY_LIMIT);

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/',
    {
      bodyLimit: SCAN_SBOM_BODY_LIMIT,
      config: { role: 'read-only' },
      schema: {
        summary: 'Scan an SBOM (Inspector ScanSbom): CycloneDX 1.4–1.6 or SPDX 2.3 JSON in, `vigil scan --format json` out; nothing stored',
        description: `The body may be up to ${SCAN_SBOM_BODY_LIMIT} bytes (V8's longest string); larger is 413.`,
        tags: ['scan-sbom'],
        body: SbomBody,
        response: { 200: Type.Ref('ScanResult'), ...errorResponses(413, 415, 503) },
      },
    },
    async (request) => scanInventory(inventoryOfBody(request.body), ctx.vulndb.current()),
  );
};
