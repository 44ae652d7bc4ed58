/**
 * The gem archive cataloger against RubyGems itself (Debian's ruby package, which `.ci/run`
 * installs): gems built by `gem build` from specifications with a platform, a prerelease version,
 * odd names and licences must read as `Gem::Package#spec` reads them, and so must any gem in
 * RubyGems' caches on the machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/harness/tools.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { runCatalogers } from '../run.js';
import { rubyGemArchiveCataloger } from './index.js';

/** RubyGems' own reading of each gem: path, name, version, platform, licences. */
const rubyReader = 'ARGV.each { |p| s = Gem::Package.new(p).spec; puts [p, s.name, s.version.to_s, s.platform.to_s, s.licenses.join(",")].join("\\t") }';

const specifications: Array<{ name: string; version: string; platform?: string; licenses: string[] }> = [
  { name: 'rack', version: '3.0.8', licenses: ['MIT'] },
  { name: 'nokogiri', version: '1.15.4', platform: 'x86_64-linux', licenses: ['MIT'] },
  { name: 'aws-sdk-core', version: '3.190.0.rc1', licenses: ['Apache-2.0'] },
  { name: 'google_protobuf', version: '3.25.1', platform: 'java', licenses: ['BSD-3-Clause', 'MIT'] },
  { name: 'ffi', version: '1.16.3', platform: 'arm64-darwin', licenses: [] },
];

describe.skipIf(!hasTool('gem') || !hasTool('ruby'))('ruby-gem-archive against RubyGems', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-gems-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads each gem as Gem::Package reads it', async () => {
    const built = join(work, 'built');
    mkdirSync(join(work, 'src', 'lib'), { recursive: true });
    mkdirSync(built);
    writeFileSync(join(work, 'src', 'lib', 'x.rb'), '');
    for (const spec of specifications) {
      const gemspec = [
        'Gem::Specification.new do |s|',
        `  s.name = ${JSON.stringify(spec.name)}`,
        `  s.version = ${JSON.stringify(spec.version)}`,
        '  s.summary = "for tests"',
        '  s.authors = ["Vigil"]',
        '  s.files = ["lib/x.rb"]',
        `  s.licenses = ${JSON.stringify(spec.licenses)}`,
        ...(spec.platform ? [`  s.platform = ${JSON.stringify(spec.platform)}`] : []),
        'end',
      ].join('\n');
      writeFileSync(join(work, 'src', `${spec.name}.gemspec`), gemspec);
      const result = spawnSync('gem', ['build', `${spec.name}.gemspec`, '--output', join(built, `${spec.name}.gem`)], { cwd: join(work, 'src'), encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    }
    const cacheFolders = ['/var/lib/gems', '/usr/local/bundle/cache', '/usr/lib/ruby/gems'].filter(existsSync);
    const folders = [built, ...cacheFolders];
    const gems = folders.flatMap((folder) =>
      (readdirSync(folder, { recursive: true }) as string[]).filter((name) => name.endsWith('.gem')).map((name) => join(folder, name)),
    );
    const read = spawnSync('ruby', ['-rrubygems/package', '-e', rubyReader, ...gems], { encoding: 'utf8' });
    expect(read.status, read.stderr).toBe(0);
    const expected = Object.fromEntries(
      read.stdout.trim().split('\n').map((line) => {
        const [path, name, version, platform, licenses] = line.split('\t') as [string, string, string, string, string];
        return [path, `${name}@${version}${platform === 'ruby' ? '' : ` ${platform}`} ${licenses}`];
      }),
    );
    const actual: Record<string, string> = {};
    for (const folder of folders) {
      const tree = await DirectoryTree.open(folder, defaultSourceLimits);
      const result = await runCatalogers(tree, [rubyGemArchiveCataloger]);
      await tree.close();
      expect(result.warnings).toEqual([]);
      for (const pkg of result.packages) {
        const platform = pkg.metadata?.platform;
        for (const location of pkg.locations) actual[join(folder, location.path)] = `${pkg.name}@${pkg.version}${platform ? ` ${platform}` : ''} ${(pkg.licenses ?? []).join(',')}`;
      }
    }
    expect(actual).toEqual(expected);
    expect(Object.keys(expected)).toHaveLength(gems.length);
    expect(gems.length).toBeGreaterThanOrEqual(specifications.length);
  }, 120_000);
});
