/** Validators for the official CycloneDX JSON schemas in ../shared/data/cyclonedx-schemas. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const cycloneDxSchemaRoot = fileURLToPath(new URL('../../../shared/data/cyclonedx-schemas/', import.meta.url));
const schemaDir = join(cycloneDxSchemaRoot, 'schema');
export const cycloneDxSchemasPresent = existsSync(join(schemaDir, 'bom-1.6.schema.json'));

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

export type SchemaVersion = '1.4' | '1.5' | '1.6';

export function buildCycloneDxValidators(): Record<SchemaVersion, ValidateFunction> {
  // strict: false because the schemas use annotation keywords Ajv does not know (meta:enum, …).
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormatsModule.default(ajv);
  // Formats draft-07 names that ajv-formats lacks; the checks are deliberately simple.
  ajv.addFormat('iri-reference', /^[^\s<>"{}|\\^`]*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  // The BOM schemas refer to these by bare file name, which resolves against their $id
  // (http://cyclonedx.org/schema/…); registering each under its $id is what makes the refs work.
  for (const file of ['spdx.schema.json', 'jsf-0.82.schema.json', 'cryptography-defs.schema.json']) {
    ajv.addSchema(readJson(join(schemaDir, file)) as object);
  }
  const compile = (version: string) => ajv.compile(readJson(join(schemaDir, `bom-${version}.schema.json`)) as object);
  return { '1.4': compile('1.4'), '1.5': compile('1.5'), '1.6': compile('1.6') };
}

/** The schema errors of a document, as readable lines ([] when valid). */
export function schemaErrors(validate: ValidateFunction, document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
