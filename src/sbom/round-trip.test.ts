import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePurl } from '../model/purl.js';
import { canonicalInventory, fixtureInventories, generatedInventory } from '../../test/harness/inventory.js';
import { readSbom, sbomFormats } from './index.js';

const purlsOf = (text: string): string[] => {
  const document = JSON.parse(text) as {
    components?: { purl?: string; type: string }[];
    packages?: { externalRefs?: { referenceType: string; referenceLocator: string }[] }[];
  };
  const fromCdx = (document.components ?? []).flatMap((c) => (c.purl ? [c.purl] : []));
  const fromSpdx = (document.packages ?? []).flatMap((p) => (p.externalRefs ?? []).filter((r) => r.referenceType === 'purl').map((r) => r.referenceLocator));
  return [...fromCdx, ...fromSpdx];
};

describe.each(sbomFormats.map((format) => [format.id, format] as const))('%s', (_id, format) => {
  it.each(fixtureInventories)('reads back what it writes: %s', (_name, make) => {
    const inventory = make();
    expect(readSbom(format.write(inventory))).toStrictEqual(canonicalInventory(inventory));
  });

  it('writes the same document twice apart from the serial number or namespace', () => {
    const inventory = fixtureInventories[0]![1]();
    const scrub = (text: string) => text.replace(/urn:uuid:[0-9a-f-]{36}/, 'X').replace(/-[0-9a-f-]{36}"/, '-X"');
    expect(scrub(format.write(inventory))).toBe(scrub(format.write(inventory)));
  });

  it('writes 2-space indented JSON ending in a newline', () => {
    const text = format.write(fixtureInventories[0]![1]());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toMatch(/^ {2}"/);
  });

  it('writes packages in purl order', () => {
    const purls = purlsOf(format.write(fixtureInventories[0]![1]()));
    expect(purls).toEqual([...purls].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('reads back any inventory it writes (property)', () => {
    fc.assert(
      fc.property(generatedInventory, ({ inventory }) => {
        expect(readSbom(format.write(inventory))).toStrictEqual(canonicalInventory(inventory));
      }),
      { numRuns: 150 },
    );
  });

  it('writes purls that parse back to the fields they were built from (property)', () => {
    fc.assert(
      fc.property(generatedInventory, ({ inventory, parts }) => {
        const written = purlsOf(format.write(inventory));
        expect(written).toHaveLength(inventory.packages.length);
        for (const [n, pkg] of inventory.packages.entries()) {
          expect(written).toContain(pkg.purl);
          const parsed = parsePurl(pkg.purl);
          expect(parsed.type).toBe(pkg.type);
          expect(parsed).toStrictEqual(parts[n]);
        }
        for (const purl of written) expect(inventory.packages.map((p) => p.purl)).toContain(purl);
      }),
      { numRuns: 150 },
    );
  });
});
