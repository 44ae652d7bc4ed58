/**
 * @module `readSbom`: CycloneDX 1.4–1.6 and SPDX 2.3 JSON documents read back into an Inventory,
 * without the writers (a scan of an SBOM loads only this).
 * @see https://cyclonedx.org/specification/overview/
 * @see https://spdx.github.io/spdx-spec/v2.3/
 */
import { VigilError } from '../errors.js';
import type { Inventory } from '../model/inventory.js';
import { isCycloneDx, readableCycloneDxVersions, readCycloneDx } from './cyclonedx/read.js';
import { isRecord } from './json.js';
import type { ReadSbomOptions } from './read-options.js';
import { readSpdx } from './spdx/read.js';

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
