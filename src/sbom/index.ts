/**
 * @module SBOM formats: the registry of writers, and `readSbom` for CycloneDX 1.4–1.6 and SPDX 2.3 JSON.
 * @see https://cyclonedx.org/specification/overview/
 * @see https://spdx.github.io/spdx-spec/v2.3/
 */
import { VigilError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import { isRecord } from './json.js';
import type { SbomFormat } from './format.js';
import { isCycloneDx, readableCycloneDxVersions, readCycloneDx } from './cyclonedx/read.js';
import { writeCycloneDx, type CycloneDxVersion } from './cyclonedx/write.js';
import { readSpdx } from './spdx/read.js';
import { writeSpdx } from './spdx/write.js';
import type { ReadSbomOptions } from './read-options.js';

export type { SbomFormat } from './format.js';
export type { ReadSbomOptions } from './read-options.js';
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

/**
 * Reads a CycloneDX (1.4–1.6) or SPDX 2.3 JSON document. Throws a VigilError (TARGET_CORRUPT for
 * text that is not JSON, TARGET_UNRECOGNISED for JSON that is neither format or another version).
 */
export function readSbom(text: string, options: ReadSbomOptions = {}): Inventory {
  const where = options.path ? `${options.path}: ` : '';
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new VigilError('TARGET_CORRUPT', `${where}the SBOM is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isRecord(document)) {
    throw new VigilError('TARGET_UNRECOGNISED', `${where}not an SBOM: expected a JSON object with bomFormat "CycloneDX" or spdxVersion "SPDX-2.3"`);
  }
  if (isCycloneDx(document)) {
    const version = String(document.specVersion);
    if (!(readableCycloneDxVersions as readonly string[]).includes(version)) {
      throw new VigilError(
        'TARGET_UNRECOGNISED',
        `${where}CycloneDX specVersion ${version} is not supported; Vigil reads ${readableCycloneDxVersions.join(', ')}`,
      );
    }
    return readCycloneDx(document, options);
  }
  if (typeof document.spdxVersion === 'string') {
    if (document.spdxVersion !== 'SPDX-2.3') {
      throw new VigilError('TARGET_UNRECOGNISED', `${where}${document.spdxVersion} is not supported; Vigil reads SPDX-2.3 JSON`);
    }
    return readSpdx(document, options);
  }
  throw new VigilError(
    'TARGET_UNRECOGNISED',
    `${where}not a CycloneDX or SPDX JSON document: it has neither bomFormat "CycloneDX" nor spdxVersion "SPDX-2.3"`,
  );
}
