/** @module What an SBOM format is to Vigil: an id, a media type and a writer from an Inventory. */
import type { Inventory } from '../model/inventory.js';

export interface SbomFormat {
  /** Registry id, as the CLI's `--format` takes it: `cyclonedx-json`, `spdx-json`, … */
  id: string;
  /** IANA media type of the output, with the spec version where the format defines a parameter for it. */
  mediaType: string;
  /** Conventional file name suffix. */
  extension: string;
  /** The document as text: deterministic except for its serial number / namespace; ends with a newline. */
  write(inventory: Inventory): string;
}
