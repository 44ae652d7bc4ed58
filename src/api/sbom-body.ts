/**
 * @module Routes that take an SBOM as their body (the inventory push, scan-sbom) read it as text in
 * these media types and hand it to the SBOM reader, which parses and checks it; what it refuses is
 * 400 INVALID_SBOM.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { isVigilError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import { readSbom } from '../sbom/index.js';
import { apiError } from './errors.js';

/** JSON, the SBOM formats' own media types, and plain text: the content decides, not the label. */
export const SBOM_MEDIA_TYPES = ['application/json', 'application/vnd.cyclonedx+json', 'application/spdx+json', 'text/plain'];

/** The body schema of such a route (the text is checked by the reader, not by the schema). */
export const SbomBody = Type.Unsafe<string>({ type: 'string', description: 'A CycloneDX 1.4–1.6 or SPDX 2.3 JSON document, as sent' });

/** Makes the routes of `scope` receive SBOM bodies as text, up to `bodyLimit` bytes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any server, logger and type provider
export function acceptSbomBodies(scope: FastifyInstance<any, any, any, any, any>, bodyLimit?: number): void {
  scope.addContentTypeParser(SBOM_MEDIA_TYPES, { parseAs: 'string', ...(bodyLimit !== undefined ? { bodyLimit } : {}) }, (_request, body, done) => done(null, body));
}

export function inventoryOfBody(body: string): Inventory {
  try {
    return readSbom(body);
  } catch (error) {
    if (isVigilError(error)) throw apiError('INVALID_SBOM', error.message);
    throw error;
  }
}
