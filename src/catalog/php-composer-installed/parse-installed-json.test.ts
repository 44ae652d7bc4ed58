import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { phpComposerInstalledCataloger } from './index.js';
import { parseInstalledJson, parseInstalledJsonText } from './parse-installed-json.js';

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseInstalledJsonText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`), packages, skipped, warnings };
}

describe('php-composer-installed cataloger', () => {
  it('reads Composer 2 installed.json, dev-package-names marked development', async () => {
    const result = await catalogTester()
      .fromDirectory('php-composer/app')
      .withCatalogers(phpComposerInstalledCataloger)
      .expectsPackages([
        'guzzlehttp/guzzle@7.8.0 pkg:composer/guzzlehttp/guzzle@7.8.0',
        'myclabs/deep-copy@1.11.1 pkg:composer/myclabs/deep-copy@1.11.1',
        'symfony/console@v6.3.4 pkg:composer/symfony/console@v6.3.4',
        'symfony/polyfill-mbstring@v1.28.0 pkg:composer/symfony/polyfill-mbstring@v1.28.0',
      ]);
    expect(result.warnings).toEqual([]);
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['myclabs/deep-copy']);
    expect(result.packages[0]).toMatchObject({
      ecosystem: 'Packagist',
      licenses: ['MIT'],
      foundBy: 'php-composer-installed',
      locations: [{ path: '/var/www/shop/vendor/composer/installed.json' }],
    });
  });

  it('reads Composer 1 installed.json, a bare list that does not say what is dev', async () => {
    const result = await catalogTester()
      .fromDirectory('php-composer-installed/composer1')
      .withCatalogers(phpComposerInstalledCataloger)
      .expectsPackages([
        'doctrine/instantiator@1.0.5 pkg:composer/doctrine/instantiator@1.0.5',
        'laravel/framework@v5.4.36 pkg:composer/laravel/framework@v5.4.36',
      ]);
    expect(result.packages.some((p) => p.development !== undefined)).toBe(false);
  });

  it('warns about an installed.json of another shape', async () => {
    const result = await catalogTester()
      .fromDirectory('php-composer-installed/malformed')
      .withCatalogers(phpComposerInstalledCataloger)
      .expectsPackages([]);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'UNREADABLE_INSTALLED_JSON', path: '/app/vendor/composer/installed.json' })]);
  });

  it('matches dev-package-names without regard to case and skips bad entries', () => {
    const { lines, skipped } = summary(
      JSON.stringify({ packages: [{ name: 'Old/Lib', version: '1.0' }, { name: 'x' }, 7], dev: true, 'dev-package-names': ['old/lib', 3] }),
    );
    expect(lines).toEqual(['Old/Lib@1.0 dev']);
    expect(skipped).toEqual(['packages[1] has no "vendor/package" name', 'packages[2] is not an object']);
  });

  it.each([['{}'], ['"x"'], ['not json'], ['{"packages": null}']])('warns about %s', (text) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_INSTALLED_JSON']);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/v/composer/installed.json', '[{"name":"a/b","version":"2.0.0"}]');
    expect((await parseInstalledJson(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:composer/a/b@2.0.0']);
  });

  it('never throws on arbitrary text or JSON', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseInstalledJsonText(text, recordingContext().ctx)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), (packages, names) => {
        parseInstalledJsonText(JSON.stringify(packages), recordingContext().ctx);
        parseInstalledJsonText(JSON.stringify({ packages: [packages], 'dev-package-names': names }), recordingContext().ctx);
      }),
    );
  });
});
