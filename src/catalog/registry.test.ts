import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogers, languageCatalogers, osCatalogers, selectCatalogers } from './index.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Folders under src/catalog that hold shared code rather than a cataloger. */
const notCatalogers = new Set(['os-release', 'binary', 'zip']);

describe('the cataloger registry', () => {
  it('registers every cataloger folder, under its folder name', () => {
    const folders = readdirSync(here).filter((name) => statSync(`${here}${name}`).isDirectory() && !notCatalogers.has(name));
    expect(catalogers.map((c) => c.name).sort()).toEqual(expect.arrayContaining(folders.sort()));
    for (const cataloger of catalogers) expect(folders).toContain(cataloger.name.split('/')[0]);
  });

  it('has unique names and valid patterns', () => {
    const names = catalogers.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const cataloger of catalogers) {
      for (const pattern of cataloger.patterns) expect(pattern.startsWith('/')).toBe(true);
      expect(cataloger.patterns.length > 0 || cataloger.sniff !== undefined).toBe(true);
    }
  });

  it('selects by group and by name, in registry order', () => {
    expect(selectCatalogers('os')).toEqual([...osCatalogers]);
    expect(selectCatalogers('language')).toEqual([...languageCatalogers]);
    expect(selectCatalogers('rpm,dpkg').map((c) => c.name)).toEqual(['dpkg', 'rpm']);
    expect(() => selectCatalogers('nope')).toThrow(/unknown cataloger "nope"/);
  });
});
