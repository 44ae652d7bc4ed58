/**
 * @module SBOM formats: the registry of writers, and `readSbom` for CycloneDX 1.4–1.6 and SPDX 2.3 JSON.
 * @see https://cyclonedx.org/specification/overview/
 * @see https://spdx.github.io/spdx-spec/v2.3/
 */
import { VigilError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import type { SbomFormat } from './format.js';
import { writeCycloneDx, type CycloneDxVersion } from './cyclonedx/write.js';
import { writeSpdx } from './spdx/write.js';

export type { SbomFormat } from './format.js';
export type { ReadSbomOptions } from './read-options.js';
export { readSbom } from './read.js';
export { sortPackages } from './order.js';
export { isSpdxExpression } from './license-expression.js';

function cycloneDxFormat(id: string, version: CycloneDxVersion): SbomFormat {
  return {
    id,
    mediaType: `application/vnd.cyclonedx+json; version=${version}`,
    extension: '.cdx.json',
    write: (inventory) => writeCycloneDx(inventory, version),
  } satisfies SbomFormat;
}

export const cyclonedxJson = cycloneDxFormat('cyclonedx-json', '1.6');
export const cyclonedx16Json = cycloneDxFormat('cyclonedx-1.6-json', '1.6');
export const cyclonedx15Json = cycloneDxFormat('cyclonedx-1.5-json', '1.5');
export const cyclonedx14Json = cycloneDxFormat('cyclonedx-1.4-json', '1.4');
export const spdxJson = {
  id: 'spdx-json',
  mediaType: 'application/spdx+json',
  extension: '.spdx.json',
  write: (inventory: Inventory) => writeSpdx(inventory),
} satisfies SbomFormat;

/** Every format Vigil writes; the first is the default. */
export const sbomFormats: readonly SbomFormat[] = [cyclonedxJson, cyclonedx16Json, cyclonedx15Json, cyclonedx14Json, spdxJson];

export function formatFor(id: string): SbomFormat {
  const format = sbomFormats.find((candidate) => candidate.id === id);
  if (!format) {
    throw new VigilError(
      'INVALID_ARGUMENT',
      `unknown SBOM format "${id}"; choose one of ${sbomFormats.map((f) => f.id).join(', ')}`,
    );
  }
  return format;
}
