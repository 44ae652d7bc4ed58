import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemeFor, schemes } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Files in this folder that are not schemes. */
const SUPPORT = new Set(['index.ts', 'scheme.ts', 'scheme-contract.ts', 'conformance.ts']);

describe('version scheme registry', () => {
  it('registers every scheme file in the folder, under its file name', () => {
    const files = readdirSync(here)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !SUPPORT.has(f))
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    expect(schemes.map((s) => s.name).sort()).toEqual(files);
  });

  it('has a test file for every scheme', () => {
    const files = new Set(readdirSync(here));
    for (const scheme of schemes) expect(files.has(`${scheme.name}.test.ts`), scheme.name).toBe(true);
  });

  it('gives every ecosystem to one scheme only', () => {
    const all = schemes.flatMap((s) => s.ecosystems);
    expect(new Set(all).size).toBe(all.length);
  });

  const ecosystemsFile = resolve(here, '../../../shared/data/osv-schema/ecosystems.json');
  const known = (() => {
    try {
      return Object.keys(JSON.parse(readFileSync(ecosystemsFile, 'utf8')) as Record<string, string>);
    } catch {
      return undefined;
    }
  })();
  it.skipIf(known === undefined)(
    `spells every ecosystem as the OSV schema does (skipped when ${ecosystemsFile} is absent)`,
    () => {
      for (const ecosystem of schemes.flatMap((s) => s.ecosystems)) expect(known, ecosystem).toContain(ecosystem);
    },
  );

  it.each([
    ['Debian', 'dpkg'],
    ['Debian:12', 'dpkg'],
    ['Ubuntu:22.04:LTS', 'dpkg'],
    ['Ubuntu:Pro:18.04:LTS', 'dpkg'],
    ['Alpine:v3.20', 'apk'],
    ['Wolfi', 'apk'],
    ['Chainguard', 'apk'],
    ['Red Hat', 'rpm'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm'],
    ['Rocky Linux:9', 'rpm'],
    ['AlmaLinux:8', 'rpm'],
    ['SUSE:SUSE Linux Enterprise Server 15 SP5', 'rpm'],
    ['openSUSE:Tumbleweed', 'rpm'],
    ['npm', 'semver'],
    ['crates.io', 'semver'],
    ['Go', 'go'],
    ['PyPI', 'pep440'],
    ['Maven', 'maven'],
    ['Maven:https://maven.google.com', 'maven'],
    ['RubyGems', 'rubygems'],
    ['NuGet', 'nuget'],
    ['Packagist', 'composer'],
    ['Packagist:https://packages.drupal.org/8', 'composer'],
  ])('%s uses %s', (ecosystem, name) => {
    expect(schemeFor(ecosystem)?.name).toBe(name);
  });

  it.each(['', 'Debian Linux', 'debian', 'Android', ':Debian'])('knows no scheme for %j', (ecosystem) => {
    expect(schemeFor(ecosystem)).toBeUndefined();
  });
});
