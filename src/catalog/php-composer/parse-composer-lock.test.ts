import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { phpComposerInstalledCataloger } from '../php-composer-installed/index.js';
import { phpComposerCataloger } from './index.js';
import { parseComposerLock, parseComposerLockText } from './parse-composer-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/php-composerlock/', import.meta.url));

/** "name@version" plus " dev" for development-only packages, in the parser's order. */
function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseComposerLockText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}${p.development ? ' dev' : ''}`), packages, skipped, warnings };
}

const shopLock = [
  'Swiftmailer/SwiftMailer@v5.4.12 pkg:composer/swiftmailer/swiftmailer@v5.4.12',
  'acme/billing-sdk@dev-main pkg:composer/acme/billing-sdk@dev-main',
  'guzzlehttp/guzzle@7.8.0 pkg:composer/guzzlehttp/guzzle@7.8.0',
  'monolog/monolog@3.4.0 pkg:composer/monolog/monolog@3.4.0',
  'myclabs/deep-copy@1.11.1 pkg:composer/myclabs/deep-copy@1.11.1',
  'phpunit/phpunit@10.3.5 pkg:composer/phpunit/phpunit@10.3.5',
  'symfony/console@v6.3.4 pkg:composer/symfony/console@v6.3.4',
];

describe('php-composer cataloger', () => {
  it('reads packages and packages-dev, versions exactly as locked, names lower-cased in the purl only', async () => {
    const result = await catalogTester().fromDirectory('php-composer/app').withCatalogers(phpComposerCataloger).expectsPackages(shopLock);
    expect(result.warnings).toEqual([]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['myclabs/deep-copy', 'phpunit/phpunit']);
    expect(byName.get('acme/billing-sdk')).toEqual({
      name: 'acme/billing-sdk',
      version: 'dev-main',
      type: 'composer',
      purl: 'pkg:composer/acme/billing-sdk@dev-main',
      ecosystem: 'Packagist',
      licenses: ['proprietary'],
      metadata: { packageType: 'library', reference: '9c1e4b7a2d5f8e0b3c6a9d2f5e8b1c4a7d0e3f6b' },
      locations: [{ path: '/var/www/shop/composer.lock' }],
      foundBy: 'php-composer',
    });
    // A license given as one string (old packages), and the dist zip's SHA-1.
    expect(byName.get('monolog/monolog')).toMatchObject({
      licenses: ['MIT'],
      hashes: [{ algorithm: 'SHA-1', value: '2c3a1e6f8b0d4a7c9e1f3b5d7a9c0e2f4b6d8a1c' }],
    });
    // Packagist's empty shasum is no hash.
    expect(byName.get('guzzlehttp/guzzle')!.hashes).toBeUndefined();
  });

  it('merges a locked package with its installed copy; a package installed but not locked stays', async () => {
    const result = await catalogTester()
      .fromDirectory('php-composer/app')
      .withCatalogers(phpComposerCataloger, phpComposerInstalledCataloger)
      .expectsPackages([...shopLock, 'symfony/polyfill-mbstring@v1.28.0 pkg:composer/symfony/polyfill-mbstring@v1.28.0']);
    const guzzle = result.packages.find((p) => p.name === 'guzzlehttp/guzzle')!;
    expect(guzzle.locations.map((l) => l.path)).toEqual(['/var/www/shop/composer.lock', '/var/www/shop/vendor/composer/installed.json']);
    expect(result.packages.filter((p) => p.development).map((p) => p.name)).toEqual(['myclabs/deep-copy', 'phpunit/phpunit']);
  });

  it('skips malformed entries and warns about a lockfile that is not JSON', async () => {
    const result = await catalogTester()
      .fromDirectory('php-composer/malformed')
      .withCatalogers(phpComposerCataloger)
      .expectsPackages(['good/one@1.0.0 pkg:composer/good/one@1.0.0']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 4, path: '/srv/a/composer.lock' }),
      expect.objectContaining({ code: 'UNREADABLE_LOCKFILE', path: '/srv/b/composer.lock' }),
    ]);
    expect(result.warnings[0]!.message).toContain('packages[1] has no "vendor/package" name');
  });

  it('a package both in packages and packages-dev is not development-only', () => {
    const entry = { name: 'a/b', version: '1.0.0' };
    expect(summary(JSON.stringify({ 'packages-dev': [entry], packages: [entry] })).lines).toEqual(['a/b@1.0.0']);
  });

  it.each([
    ['[]', 'UNREADABLE_LOCKFILE'],
    ['null', 'UNREADABLE_LOCKFILE'],
    ['{}', 'UNREADABLE_LOCKFILE'],
    ['{"packages": {}}', 'UNREADABLE_LOCKFILE'],
    ['{"packages": []}', undefined],
  ])('gives no packages for %s', (text, code) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/a/composer.lock', '{"packages":[{"name":"A/B","version":"v1"}]}');
    expect((await parseComposerLock(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:composer/a/b@v1']);
  });

  it('never throws on arbitrary text or arbitrary JSON in entry positions', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseComposerLockText(text, recordingContext().ctx)));
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), (list, entry) => {
        parseComposerLockText(JSON.stringify({ packages: list, 'packages-dev': [entry] }), recordingContext().ctx);
        parseComposerLockText(JSON.stringify({ packages: [{ name: 'a/b', version: '1', license: entry, dist: entry, source: entry }] }), recordingContext().ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared composer.lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it.each([
      ['empty.json', []],
      ['one-package.json', ['sentry/sdk@2.0.4']],
      ['one-package-dev.json', ['sentry/sdk@2.0.4 dev']],
      ['two-packages.json', ['sentry/sdk@2.0.4', 'theseer/tokenizer@1.1.3 dev']],
      ['two-packages-alt.json', ['sentry/sdk@2.0.4', 'theseer/tokenizer@1.1.3']],
      // Three versions of one package are three packages; only the packages-dev one is dev.
      ['duplicate-packages.json', ['sentry/sdk@2.0.4', 'sentry/sdk@2.0.5', 'sentry/sdk@3.0.0-dev dev']],
      ['drupal-packages.json', ['drupal/core@10.4.5', 'drupal/tfa@2.0.0-alpha4', 'theseer/tokenizer@1.1.3', 'drupal/field_time@1.0.0-beta5 dev']],
    ])('%s', (name, expected) => {
      const { lines, skipped, warnings } = read(name);
      expect(lines).toEqual(expected);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('one-package.json: license, package type and source commit', () => {
      expect(read('one-package.json').packages[0]).toEqual({
        name: 'sentry/sdk',
        version: '2.0.4',
        type: 'composer',
        purl: 'pkg:composer/sentry/sdk@2.0.4',
        ecosystem: 'Packagist',
        licenses: ['MIT'],
        metadata: { packageType: 'metapackage', reference: '4c115873c86ad5bd0ac6d962db70ca53bf8fb874' },
      });
    });

    it('drupal-packages.json: GPL-2.0-or-later, drupal package types', () => {
      const core = read('drupal-packages.json').packages[0]!;
      expect(core).toMatchObject({ licenses: ['GPL-2.0-or-later'], metadata: { packageType: 'drupal-core' } });
    });

    it.each(['not-json.txt', 'null.jsontest'])('%s: a warning, no packages', (name) => {
      const { packages, warnings } = read(name);
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_LOCKFILE']);
    });
  });
});
