/**
 * Validates written CycloneDX documents against the official JSON schemas (draft-07) in
 * ../shared/data/cyclonedx-schemas, after proving the validator on the official test vectors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCycloneDxValidators, cycloneDxSchemaRoot, cycloneDxSchemasPresent } from '../../../test/harness/cyclonedx-schema.js';
import { fixtureInventories, generatedInventory } from '../../../test/harness/inventory.js';
import { readSbom } from '../index.js';
import { buildCycloneDx, cycloneDxVersions, writeCycloneDx, type CycloneDxVersion } from './write.js';

const root = cycloneDxSchemaRoot;
const vectorDir = join(root, 'test-vectors');
const present = cycloneDxSchemasPresent;
if (!present) {
  console.warn(`SKIPPED: CycloneDX schema validation needs ${root} (the shared data folder beside the repository); it is absent`);
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const validators = present ? buildCycloneDxValidators() : undefined;

function expectValid(version: CycloneDxVersion, document: unknown): void {
  const validate = validators![version];
  const valid = validate(document);
  expect(valid ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}

describe.skipIf(!present)('CycloneDX schema validation', () => {
  describe.each(['1.5', '1.6'] as const)('the validator, on the official %s test vectors', (version) => {
    const files = present ? readdirSync(join(vectorDir, version)).filter((f) => f.endsWith('.json')).sort() : [];

    it.each(files.filter((f) => f.startsWith('valid-')))('accepts %s', (file) => {
      expectValid(version, readJson(join(vectorDir, version, file)));
    });

    it.each(files.filter((f) => f.startsWith('invalid-')))('rejects %s', (file) => {
      expect(validators![version](readJson(join(vectorDir, version, file)))).toBe(false);
    });
  });

  describe.each(cycloneDxVersions.map((v) => [v]))('documents Vigil writes as CycloneDX %s', (version) => {
    it.each(fixtureInventories)('are valid: %s', (_name, make) => {
      expectValid(version, JSON.parse(writeCycloneDx(make(), version)));
    });

    it('fail validation once broken (the validator is really looking)', () => {
      const document = buildCycloneDx(fixtureInventories[0]![1](), version);
      const broken = { ...document, components: [{ ...document.components[0], type: 'bogus' }] };
      expect(validators![version](broken)).toBe(false);
    });

    it('have unique bom-refs, and dependencies that refer only to them', () => {
      for (const [, make] of fixtureInventories) {
        const document = buildCycloneDx(make(), version);
        const refs = [document.metadata.component, ...document.components].map((c) => c['bom-ref']);
        expect(new Set(refs).size).toBe(refs.length);
        for (const dependency of document.dependencies) {
          for (const ref of [dependency.ref, ...dependency.dependsOn]) expect(refs).toContain(ref);
        }
      }
    });

    it('are valid for any inventory (property)', () => {
      fc.assert(
        fc.property(generatedInventory, ({ inventory }) => {
          expectValid(version, buildCycloneDx(inventory, version));
        }),
        { numRuns: 100 },
      );
    });
  });

  it('writes the legacy tools array for 1.4 and tools.components for 1.5 and later', () => {
    const [, make] = fixtureInventories[0]!;
    expect(buildCycloneDx(make(), '1.4').metadata.tools).toEqual([{ name: 'vigil', version: '0.1.0' }]);
    expect(buildCycloneDx(make(), '1.5').metadata.tools).toEqual({ components: [{ type: 'application', name: 'vigil', version: '0.1.0' }] });
  });

  describe('readSbom on the official valid 1.6 test vectors', () => {
    const files = present ? readdirSync(join(vectorDir, '1.6')).filter((f) => f.startsWith('valid-')).sort() : [];

    it.each(files)('reads %s without throwing', (file) => {
      const inventory = readSbom(readFileSync(join(vectorDir, '1.6', file), 'utf8'));
      expect(inventory.target.kind).toBe('directory');
      for (const pkg of inventory.packages) expect(pkg.purl).toMatch(/^pkg:/);
    });

    it('turns components with purls into packages', () => {
      const inventory = readSbom(readFileSync(join(vectorDir, '1.6', 'valid-bom-1.6.json'), 'utf8'));
      expect(inventory.packages.map((p) => `${p.name}@${p.version} ${p.purl}`)).toContain(
        'com.acme:tomcat-catalina@9.0.14 pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar',
      );
    });
  });
});
