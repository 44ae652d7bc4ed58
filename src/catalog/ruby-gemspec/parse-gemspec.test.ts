import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogTester, memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { rubyGemfileLockCataloger } from '../ruby-gemfile-lock/index.js';
import { rubyGemspecCataloger } from './index.js';
import { parseGemspec, parseGemspecText, readRubyString, readStringListValue, readStringValue } from './parse-gemspec.js';

const shared = fileURLToPath(new URL('../../../../shared/data/lockfiles/by-format/ruby-gemspec/', import.meta.url));

function summary(text: string, path = '/gems/specifications/x.gemspec') {
  const { ctx, skipped, warnings } = recordingContext();
  const packages = parseGemspecText(text, ctx, path);
  return { lines: packages.map((p) => `${p.name}@${p.version}`), packages, skipped, warnings };
}

describe('ruby-gemspec cataloger', () => {
  it('reads installed and default gems: name, version, platform and licenses', async () => {
    const result = await catalogTester()
      .fromDirectory('ruby-gemspec/installed')
      .withCatalogers(rubyGemspecCataloger)
      .expectsPackages([
        'json@2.6.3 pkg:gem/json@2.6.3',
        'net-ssh@2.9.2 pkg:gem/net-ssh@2.9.2',
        'nokogiri@1.15.4 pkg:gem/nokogiri@1.15.4?platform=x86_64-linux',
        'rack@3.0.8 pkg:gem/rack@3.0.8',
      ]);
    expect(result.warnings).toEqual([]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('rack')).toEqual({
      name: 'rack',
      version: '3.0.8',
      type: 'gem',
      purl: 'pkg:gem/rack@3.0.8',
      ecosystem: 'RubyGems',
      licenses: ['MIT'],
      locations: [{ path: '/usr/local/bundle/specifications/rack-3.0.8.gemspec' }],
      foundBy: 'ruby-gemspec',
    });
    expect(byName.get('json')).toMatchObject({ licenses: ['Ruby', 'BSD-2-Clause'], metadata: { defaultGem: true } });
    expect(byName.get('nokogiri')).toMatchObject({ licenses: ['MIT'], metadata: { platform: 'x86_64-linux' } });
    expect(byName.get('net-ssh')).toMatchObject({ licenses: ['MIT'] });
  });

  it('merges an installed gem with the Gemfile.lock entry it was installed from', async () => {
    const result = await catalogTester()
      .fromDirectory('ruby-gemspec/installed')
      .withCatalogers(rubyGemfileLockCataloger, rubyGemspecCataloger)
      .expectsPackages([
        'json@2.6.3 pkg:gem/json@2.6.3',
        'net-ssh@2.9.2 pkg:gem/net-ssh@2.9.2',
        'nokogiri@1.15.4 pkg:gem/nokogiri@1.15.4?platform=x86_64-linux',
        'racc@1.7.3 pkg:gem/racc@1.7.3',
        'rack@3.0.8 pkg:gem/rack@3.0.8',
      ]);
    expect(result.packages.find((p) => p.name === 'nokogiri')!.locations.map((l) => l.path)).toEqual([
      '/srv/app/Gemfile.lock',
      '/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec',
    ]);
  });

  it('skips gemspecs without a literal name or version and warns about files that are no gemspec', async () => {
    const result = await catalogTester()
      .fromDirectory('ruby-gemspec/malformed')
      .withCatalogers(rubyGemspecCataloger)
      .expectsPackages(['ok@1.0.0 pkg:gem/ok@1.0.0']);
    expect(result.packages[0]!.licenses).toEqual(['Apache-2.0']);
    const base = '/usr/local/bundle/specifications/';
    expect(result.warnings).toEqual([
      expect.objectContaining({ code: 'UNREADABLE_GEMSPEC', path: `${base}empty-1.0.gemspec` }),
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: `${base}interp-1.0.gemspec` }),
      expect.objectContaining({ code: 'MALFORMED_RECORD', count: 1, path: `${base}mygem-0.0.0.gemspec` }),
    ]);
    expect(result.warnings[2]!.message).toContain('the version of gem "mygem" (Mygem::VERSION) is not a literal version');
  });

  it('reads only specifications folders', async () => {
    await catalogTester()
      .fromDirectory('ruby-gemspec/installed')
      .withCatalogers(rubyGemspecCataloger)
      .expectsPathsRead([
        '/usr/lib/ruby/gems/3.2.0/specifications/default/json-2.6.3.gemspec',
        '/usr/local/bundle/specifications/net-ssh-2.9.2.gemspec',
        '/usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec',
        '/usr/local/bundle/specifications/rack-3.0.8.gemspec',
      ]);
  });

  it.each([
    ['"rack".freeze', 0, 'rack'],
    ["'it''s'", 0, 'it'],
    ["'a\\'b\\\\c\\d'", 0, "a'b\\c\\d"],
    ['"a\\"b\\n"', 0, 'a"b\n'],
    ['%q{net-ssh}', 0, 'net-ssh'],
    ['%q<a<b>c>', 0, 'a<b>c'],
    ['%q(x)', 0, 'x'],
    ['%Q|y|', 0, 'y'],
    ['x = "z"', 4, 'z'],
  ])('reads the Ruby string %s', (text, start, value) => {
    expect(readRubyString(text, start)?.value).toBe(value);
  });

  it.each(['"a#{b}"', '%Q{#{x}}', '"open', 'name', '%w[a b]', '%q', ''])('refuses %j as a string literal', (text) => {
    expect(readRubyString(text, 0)).toBeUndefined();
  });

  it.each([
    [' "1.0".freeze', '1.0'],
    [' "1.0" # comment', '1.0'],
    [' "1.0" if x', undefined],
    [' VERSION', undefined],
    [' "1" + "2"', undefined],
  ])('reads the assigned value %j', (text, value) => {
    expect(readStringValue(text)).toBe(value);
  });

  it.each([
    [' ["MIT".freeze]', ['MIT']],
    [' ["Ruby".freeze, "BSD-2-Clause".freeze]', ['Ruby', 'BSD-2-Clause']],
    [' []', []],
    [' "MIT"', ['MIT']],
    [' %w[MIT Apache-2.0]', ['MIT', 'Apache-2.0']],
    [' ["MIT", LICENSE]', undefined],
    [' ["MIT"', undefined],
  ])('reads the assigned list %j', (text, value) => {
    expect(readStringListValue(text)).toEqual(value);
  });

  it('takes the block variable from the file and ignores comparisons', () => {
    const { lines, packages } = summary('Gem::Specification.new { |gem|\n  gem.name == "no"\n  gem.name = "yes"\n  gem.version = "0.1.0.pre"\n  gem.platform = "ruby"\n}\n');
    expect(lines).toEqual(['yes@0.1.0.pre']);
    expect(packages[0]!.purl).toBe('pkg:gem/yes@0.1.0.pre');
    expect(packages[0]!.metadata).toBeUndefined();
  });

  it('reads through the CatalogFile interface', async () => {
    const file = memoryFile('/g/specifications/default/a-1.gemspec', 'Gem::Specification.new do |s|\n s.name = "a"\n s.version = "1"\nend\n');
    expect(await parseGemspec(file, recordingContext().ctx)).toEqual([
      { name: 'a', version: '1', type: 'gem', purl: 'pkg:gem/a@1', ecosystem: 'RubyGems', metadata: { defaultGem: true } },
    ]);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        parseGemspecText(text, recordingContext().ctx);
        parseGemspecText(`Gem::Specification.new do |s|\n s.name = ${text}\n s.version = ${text}\n s.licenses = ${text}\n`, recordingContext().ctx);
        readStringListValue(text);
      }),
    );
  });

  describe.skipIf(!existsSync(shared))('on the shared gemspec files', () => {
    const read = (name: string) => summary(readFileSync(`${shared}${name}`, 'utf8'));

    it('rss-0.2.9.gemspec: generated by RubyGems 3.3', () => {
      const { packages, skipped, warnings } = read('rss-0.2.9.gemspec');
      expect(packages).toEqual([
        { name: 'rss', version: '0.2.9', type: 'gem', purl: 'pkg:gem/rss@0.2.9', ecosystem: 'RubyGems', licenses: ['BSD-2-Clause'] },
      ]);
      expect([skipped, warnings]).toEqual([[], []]);
    });

    it('yaml-0.2.1.gemspec: two licenses', () => {
      const { packages } = read('yaml-0.2.1.gemspec');
      expect(packages.map((p) => [p.purl, p.licenses])).toEqual([['pkg:gem/yaml@0.2.1', ['Ruby', 'BSD-2-Clause']]]);
    });

    it.each(['badspec.gemspec', 'empty.gemspec', 'test.rb'])('%s is no gemspec: a warning', (name) => {
      const { packages, warnings } = read(name);
      expect(packages).toEqual([]);
      expect(warnings.map((w) => w.code)).toEqual(['UNREADABLE_GEMSPEC']);
    });

    it('invalid.gemspec: cut off after "s.name =", skipped', () => {
      const { packages, skipped } = read('invalid.gemspec');
      expect(packages).toEqual([]);
      expect(skipped).toHaveLength(1);
    });

    it.each([
      'version_constant/version_constant.gemspec',
      'version_method/version_method.gemspec',
      'version_constant_freeze/version_constant_freeze.gemspec',
      'version_constant_join_multiline/version_constant_join_multiline.gemspec',
      'version_load_path/version_load_path.gemspec',
      'version_inline.gemspec',
    ])('%s: a source gemspec whose version is code, skipped with a reason', (name) => {
      const { packages, skipped, warnings } = read(name);
      expect(packages).toEqual([]);
      expect(warnings).toEqual([]);
      expect(skipped).toEqual([expect.stringMatching(/^the version of gem "example_\w+" \(.+\) is not a literal version$/)]);
    });
  });
});
