import { describe, expect, it } from 'vitest';
import type { Package } from '../../model/package.js';
import { directoryInventory, imageInventory } from '../../../test/harness/inventory.js';
import { readSbom } from '../index.js';
import { packageProperty } from './names.js';
import { buildCycloneDx, cycloneDxVersions, type CdxBom, type CdxComponent } from './write.js';

/** The component of the package named `name` ("groupId:artifactId" for a Maven one, whose group is apart). */
const componentNamed = (bom: CdxBom, name: string): CdxComponent => {
  const component = bom.components.find((c) => (c.group !== undefined ? `${c.group}:${c.name}` : c.name) === name);
  if (!component) throw new Error(`no component ${name}`);
  return component;
};
const developmentProperty = (component: CdxComponent) => component.properties?.filter((p) => p.name === packageProperty.development);

describe.each(cycloneDxVersions.map((v) => [v]))('CycloneDX %s components', (version) => {
  it('mark a development dependency with scope optional and vigil:package:development, and nothing else', () => {
    const bom = buildCycloneDx(directoryInventory(), version);
    const pytest = componentNamed(bom, 'pytest');
    expect(pytest.scope).toBe('optional');
    expect(developmentProperty(pytest)).toEqual([{ name: 'vigil:package:development', value: 'true' }]);
    for (const component of bom.components.filter((c) => c.name !== 'pytest')) {
      expect(component).not.toHaveProperty('scope');
      expect(developmentProperty(component) ?? []).toEqual([]);
    }
  });

  it('write hashes as { alg, content } with CycloneDX algorithm names, in the package order', () => {
    const bom = buildCycloneDx(directoryInventory(), version);
    expect(componentNamed(bom, 'org.apache.logging.log4j:log4j-core').hashes).toEqual([
      { alg: 'SHA-1', content: 'a1b2c3'.repeat(7).slice(0, 40) },
      { alg: 'SHA-256', content: '0f'.repeat(32) },
    ]);
    expect(componentNamed(bom, 'pytest').hashes).toEqual([{ alg: 'MD5', content: 'd5'.repeat(16) }]);
    expect(componentNamed(buildCycloneDx(imageInventory(), version), '@babel/core').hashes).toEqual([
      { alg: 'SHA-512', content: '5e12'.repeat(32) },
    ]);
    expect(componentNamed(bom, 'zope.interface')).not.toHaveProperty('hashes');
  });

  it('leave out a hash that is not lower-case hex of its algorithm length', () => {
    const inventory = directoryInventory();
    const jar = inventory.packages.find((p) => p.type === 'maven') as Package;
    jar.hashes = [
      { algorithm: 'SHA-1', value: 'A'.repeat(40) },
      { algorithm: 'SHA-256', value: 'ab'.repeat(20) },
      { algorithm: 'MD5', value: 'c'.repeat(32) },
    ];
    expect(componentNamed(buildCycloneDx(inventory, version), jar.name).hashes).toEqual([{ alg: 'MD5', content: 'c'.repeat(32) }]);
  });
});

describe('Maven components', () => {
  it('have the groupId as group and the artifactId as name, and read back as one name', () => {
    const inventory = directoryInventory();
    const bom = buildCycloneDx(inventory, '1.6');
    const jar = bom.components.find((c) => c.purl?.startsWith('pkg:maven/org.apache.logging.log4j/log4j-core@'));
    expect(jar).toMatchObject({ group: 'org.apache.logging.log4j', name: 'log4j-core' });
    // Only Maven names are split: a scoped npm name and a Go module path stay whole.
    expect(bom.components.filter((c) => c.group !== undefined).every((c) => c.purl?.startsWith('pkg:maven/'))).toBe(true);
    const read = readSbom(JSON.stringify(bom)).packages.find((p) => p.type === 'maven');
    expect(read?.name).toBe('org.apache.logging.log4j:log4j-core');
  });

  it('read as one name when written whole, as earlier versions of Vigil wrote them', () => {
    const bom = buildCycloneDx(directoryInventory(), '1.6');
    const jar = bom.components.find((c) => c.group !== undefined)!;
    jar.name = `${jar.group}:${jar.name}`;
    delete jar.group;
    expect(readSbom(JSON.stringify(bom)).packages.find((p) => p.type === 'maven')?.name).toBe('org.apache.logging.log4j:log4j-core');
  });
});

describe('reading CycloneDX from other tools', () => {
  const bom = (component: object): string =>
    JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'library', ...component }] });

  it('does not take scope optional alone for a development dependency', () => {
    const [pkg] = readSbom(bom({ name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0', scope: 'optional' })).packages;
    expect(pkg).not.toHaveProperty('development');
  });

  it('reads the hashes Vigil models, lower-cased, and leaves out the rest', () => {
    const [pkg] = readSbom(
      bom({
        name: 'left-pad',
        version: '1.3.0',
        purl: 'pkg:npm/left-pad@1.3.0',
        hashes: [
          { alg: 'SHA-384', content: 'a'.repeat(96) },
          { alg: 'SHA-1', content: 'ABCDEF0123'.repeat(4) },
          { alg: 'SHA-256', content: 'too short' },
        ],
      }),
    ).packages;
    expect(pkg?.hashes).toEqual([{ algorithm: 'SHA-1', value: 'abcdef0123'.repeat(4) }]);
  });
});
