import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { rubyGemfileLockCataloger } from './index.js';
import { parseGemfileLock, parseGemfileLockText } from './parse-gemfile-lock.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/ruby-gemfilelock/', import.meta.url));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function summary(text: string) {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseGemfileLockText(text, ctx);
  return { lines: packages.map((p) => `${p.name}@${p.version}`), packages, skipped, warnings };
}

describe('ruby-gemfile-lock cataloger', () => {
  it('reads GEM, GIT and PATH specs, platforms and checksums, and not the gems\' own dependencies', async () => {
    const result = await catalogTester()
      .fromDirectory('ruby-gemfile-lock/app')
      .withCatalogers(rubyGemfileLockCataloger)
      .expectsPackages([
        'activesupport@7.1.2 pkg:gem/activesupport@7.1.2',
        'billing@0.1.0 pkg:gem/billing@0.1.0',
        'concurrent-ruby@1.2.2 pkg:gem/concurrent-ruby@1.2.2',
        'i18n@1.14.1 pkg:gem/i18n@1.14.1',
        'mini_portile2@2.8.5 pkg:gem/mini_portile2@2.8.5',
        'money@6.16.0 pkg:gem/money@6.16.0',
        'money-rails@1.15.0 pkg:gem/money-rails@1.15.0',
        'nokogiri@1.15.4 pkg:gem/nokogiri@1.15.4',
        'nokogiri@1.15.4 pkg:gem/nokogiri@1.15.4?platform=x86_64-linux',
        'racc@1.7.3 pkg:gem/racc@1.7.3',
        'rack@3.0.8 pkg:gem/rack@3.0.8',
        'rspec-core@3.12.2 pkg:gem/rspec-core@3.12.2',
        'rspec-support@3.12.1 pkg:gem/rspec-support@3.12.1',
      ]);
    expect(result.warnings).toEqual([]);
    const byPurl = new Map(result.packages.map((p) => [p.purl, p]));
    expect(byPurl.get('pkg:gem/money-rails@1.15.0')).toMatchObject({
      type: 'gem',
      ecosystem: 'RubyGems',
      foundBy: 'ruby-gemfile-lock',
      locations: [{ path: '/srv/shop/Gemfile.lock' }],
      metadata: {
        source: 'git',
        remote: 'https://github.com/shop/money-rails.git',
        revision: '3f1c0e5a8d2b7c4e9f0a1b2c3d4e5f6a7b8c9d0e',
        branch: 'main',
      },
    });
    expect(byPurl.get('pkg:gem/billing@0.1.0')!.metadata).toEqual({ source: 'path', path: 'engines/billing' });
    expect(byPurl.get('pkg:gem/billing@0.1.0')!.hashes).toBeUndefined();
    expect(byPurl.get('pkg:gem/nokogiri@1.15.4?platform=x86_64-linux')!.metadata).toEqual({ platform: 'x86_64-linux' });
    expect(byPurl.get('pkg:gem/rack@3.0.8')!.metadata).toBeUndefined();
    // The fixture's checksums are the SHA-256 of "<name>-<version>[-<platform>]".
    expect(byPurl.get('pkg:gem/rack@3.0.8')!.hashes).toEqual([{ algorithm: 'SHA-256', value: sha256('rack-3.0.8') }]);
    // The platform-specific and the pure-Ruby nokogiri have their own checksums.
    expect(byPurl.get('pkg:gem/nokogiri@1.15.4')!.hashes![0]!.value).toBe(sha256('nokogiri-1.15.4'));
    expect(byPurl.get('pkg:gem/nokogiri@1.15.4?platform=x86_64-linux')!.hashes![0]!.value).toBe(sha256('nokogiri-1.15.4-x86_64-linux'));
    // Gemfile.lock does not record Gemfile groups: nothing is development-only.
    expect(result.packages.filter((p) => p.development !== undefined)).toEqual([]);
  });

  it('skips malformed spec lines and warns about a file that is no Gemfile.lock', async () => {
    const result = await catalogTester()
      .fromDirectory('ruby-gemfile-lock/malformed')
      .withCatalogers(rubyGemfileLockCataloger)
      .expectsPackages(['rake@13.1.0 pkg:gem/rake@13.1.0', 'thor@1.3.0 pkg:gem/thor@1.3.0']);
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 3, path: '/srv/a/Gemfile.lock' }),
      expect.objectContaining({ code: 'UNREADABLE_LOCKFILE', path: '/srv/b/Gemfile.lock' }),
    ]);
  });

  it('reads Gemfile.lock and gems.locked anywhere, and nothing else', async () => {
    await catalogTester()
      .fromDirectory('ruby-gemfile-lock/app')
      .withCatalogers(rubyGemfileLockCataloger)
      .expectsPathsRead(['/srv/shop/Gemfile.lock']);
    expect(rubyGemfileLockCataloger.patterns).toEqual(['/**/Gemfile.lock', '/**/gems.locked']);
  });

  it.each([
    ['java platform', '    jruby-openssl (0.14.2-java)', 'jruby-openssl@0.14.2', 'pkg:gem/jruby-openssl@0.14.2?platform=java'],
    ['pre-release', '    rails (7.1.0.rc1)', 'rails@7.1.0.rc1', 'pkg:gem/rails@7.1.0.rc1'],
    ['darwin platform with a version', '    ffi (1.16.3-arm64-darwin-22)', 'ffi@1.16.3', 'pkg:gem/ffi@1.16.3?platform=arm64-darwin-22'],
    ['upper-case name', '    RedCloth (4.3.3)', 'RedCloth@4.3.3', 'pkg:gem/RedCloth@4.3.3'],
  ])('reads a %s', (_what, line, id, purl) => {
    const { lines, packages, skipped } = summary(`GEM\n  remote: https://rubygems.org/\n  specs:\n${line}\n`);
    expect(lines).toEqual([id]);
    expect(packages[0]!.purl).toBe(purl);
    expect(skipped).toEqual([]);
  });

  it('ignores gem lines outside a specs: block and in other sections', () => {
    const { lines } = summary('GEM\n  remote: https://rubygems.org/\n    stray (1.0.0)\n  specs:\n    a (1.0.0)\nDEPENDENCIES\n    b (2.0.0)\n');
    expect(lines).toEqual(['a@1.0.0']);
  });

  it.each([
    ['', undefined],
    ['\n\n', undefined],
    ['{"not": "a lockfile"}', 'UNREADABLE_LOCKFILE'],
    ['GEM\0\0', 'UNREADABLE_LOCKFILE'],
  ])('gives no packages for %j', (text, code) => {
    const { packages, warnings } = summary(text);
    expect(packages).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(code ? [code] : []);
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/a/Gemfile.lock', 'GEM\n  specs:\n    a (1.0)\n');
    expect((await parseGemfileLock(file, recordingContext().ctx)).map((p) => p.purl)).toEqual(['pkg:gem/a@1.0']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        parseGemfileLockText(text, recordingContext().ctx);
      }),
    );
    const pieces = fc.constantFrom('GEM', 'GIT', 'CHECKSUMS', '  specs:', '  remote: x', '    a (1.0-java)', '    b (', '      c', '  d (1) sha256=', '\r', ' ');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (lines) => {
        parseGemfileLockText(lines.join('\n'), recordingContext().ctx);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared Gemfile.lock files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it.each([
      ['no-gem-section.lock', []],
      ['no-gems.lock', []],
      ['no-spec-section.lock', []],
      ['one-gem.lock', ['ast@2.4.2']],
      ['source-section-at-end.lock', ['ast@2.4.2']],
      ['some-gems.lock', ['coderay@1.1.3', 'method_source@1.0.0', 'pry@0.14.1']],
      ['multiple-gems.lock', ['bundler-audit@0.9.0.1', 'coderay@1.1.3', 'dotenv@2.7.6', 'method_source@1.0.0', 'pry@0.14.1', 'thor@1.2.1']],
      ['has-git-gem.lock', ['hanami-controller@2.0.0.alpha1', 'hanami-utils@2.0.0.alpha1', 'concurrent-ruby@1.1.7', 'rack@2.2.3', 'transproc@1.1.1']],
      [
        'rubocop.lock',
        [
          'ast@2.4.2',
          'parallel@1.21.0',
          'parser@3.1.1.0',
          'rainbow@3.1.1',
          'regexp_parser@2.2.1',
          'rexml@3.2.5',
          'rubocop@1.25.1',
          'rubocop-ast@1.16.0',
          'ruby-progressbar@1.11.0',
          'unicode-display_width@2.1.0',
        ],
      ],
    ])('%s gives exactly its specs', (name, expected) => {
      const { lines, skipped, warnings } = read(name);
      expect(lines).toEqual(expected);
      expect(skipped).toEqual([]);
      expect(warnings).toEqual([]);
    });

    it('has-git-gem.lock: git gems carry their remote, revision and branch', () => {
      const { packages } = read('has-git-gem.lock');
      expect(packages[1]!.metadata).toEqual({
        source: 'git',
        remote: 'https://github.com/hanami/utils.git',
        revision: '5904fc9a70683b8749aa2861257d0c8c01eae4aa',
        branch: 'unstable',
      });
      expect(packages[2]!.metadata).toBeUndefined();
    });

    it('has-local-gem.lock: the path gem first, then 29 registry gems, nokogiri for x86_64-linux', () => {
      const { packages, skipped } = read('has-local-gem.lock');
      expect(packages).toHaveLength(30);
      expect(skipped).toEqual([]);
      expect(packages[0]).toMatchObject({ name: 'backbone-on-rails', version: '1.2.0.0', metadata: { source: 'path', path: 'vendor/gem/backbone-on-rails' } });
      expect(packages.find((p) => p.name === 'nokogiri')).toMatchObject({
        version: '1.13.3',
        purl: 'pkg:gem/nokogiri@1.13.3?platform=x86_64-linux',
        metadata: { platform: 'x86_64-linux' },
      });
      expect(packages.find((p) => p.name === 'eco-source')!.version).toBe('1.1.0.rc.1');
    });

    it('rails.lock: 46 gems, none of them a dependency line', () => {
      const { lines, skipped } = read('rails.lock');
      expect(lines).toHaveLength(46);
      expect(skipped).toEqual([]);
      expect(lines).toEqual(expect.arrayContaining(['rails@7.0.2.2', 'zeitwerk@2.5.4', 'nokogiri@1.13.3', 'net-imap@0.2.3']));
      expect(lines).not.toContain('bundler@1.15.0');
    });

    it('invalid.lock: the version-less spec is skipped with a reason', () => {
      const { packages, skipped, warnings } = read('invalid.lock');
      expect(packages).toEqual([]);
      expect(skipped).toEqual(['"invalid-name" is not "name (version)"']);
      expect(warnings).toEqual([]);
    });
  });
});
