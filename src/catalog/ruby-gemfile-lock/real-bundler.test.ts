/**
 * The Gemfile.lock cataloger's development marks against Bundler itself (the Bundler that Debian's
 * ruby ships, which `.ci/run` installs): a project of local path gems, its Gemfile written in
 * the forms Gemfiles use (group blocks, inline group options in both hash syntaxes, platforms and
 * if blocks, comments), locked by `bundle lock --local` with no network. The gems not marked
 * development must be exactly those Bundler's own evaluation of the Gemfile installs without the
 * development and test groups (`Bundler::Definition#specs_for`), and every locked gem must be listed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { runCatalogers } from '../run.js';
import { rubyGemfileLockCataloger } from './index.js';

function ruby(args: string[], cwd?: string) {
  return spawnSync('ruby', args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, BUNDLE_FROZEN: 'false', BUNDLE_DEPLOYMENT: 'false' } });
}

const probe = ruby(['-rbundler', '-e', 'exit 0']);
const skipReason = probe.error || probe.status !== 0 ? 'ruby with Bundler is not installed here: the comparison with Bundler is skipped' : undefined;

/** Local gems: name and the gems it depends on. */
const gems: Record<string, string[]> = {
  alpha: ['shared'],
  shared: [],
  beta: [],
  gamma: ['delta', 'shared'],
  delta: [],
  epsilon: [],
  zeta: [],
  eta: ['theta'],
  theta: [],
  iota: ['alpha'],
  kappa: ['lambda'],
  lambda: [],
};

const gemfile = `source "https://rubygems.org"

# Every gem is local: nothing is fetched. A comment that says end, or do
path "../gems" do
  gem "alpha"
  group :development, :test do
    gem "gamma" # needs delta; shares "shared" with alpha
    platforms :ruby do
      gem 'zeta'
    end
  end
  gem "beta", group: :test
  gem "epsilon", :groups => [:development, :staging]
  if ENV.fetch("WITH_ETA", "1") == "1"
    gem "eta"
  end
  gem "iota", group: "test"
  gem("kappa", groups: [:development])
end
`;

describe.skipIf(skipReason !== undefined)('ruby-gemfile-lock development marks against Bundler', () => {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bundler-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('leaves unmarked exactly the gems Bundler installs without the development and test groups', async () => {
    for (const [name, dependencies] of Object.entries(gems)) {
      mkdirSync(join(work, 'gems', name, 'lib'), { recursive: true });
      writeFileSync(
        join(work, 'gems', name, `${name}.gemspec`),
        [
          'Gem::Specification.new do |s|',
          `  s.name = "${name}"`,
          '  s.version = "1.0.0"',
          '  s.summary = "for tests"',
          '  s.authors = ["Vigil"]',
          '  s.files = []',
          ...dependencies.map((dependency) => `  s.add_dependency "${dependency}"`),
          'end',
        ].join('\n'),
      );
    }
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'Gemfile'), gemfile);
    const lock = ruby(['-e', 'load Gem.bin_path("bundler", "bundle")', '--', 'lock', '--local'], app);
    expect(lock.status, lock.stderr + lock.stdout).toBe(0);
    const bundler = ruby(
      ['-rbundler', '-rjson', '-e', 'd = Bundler::Definition.build("Gemfile", "Gemfile.lock", nil); names = ->(specs) { specs.map(&:name).uniq.sort - ["bundler"] }; puts JSON.generate(all: names.(d.specs), runtime: names.(d.specs_for(d.groups - [:development, :test])))'],
      app,
    );
    expect(bundler.status, bundler.stderr).toBe(0);
    const expected = JSON.parse(bundler.stdout) as { all: string[]; runtime: string[] };
    expect(expected.runtime).toEqual(['alpha', 'epsilon', 'eta', 'shared', 'theta']);

    const tree = await DirectoryTree.open(app, defaultSourceLimits);
    const result = await runCatalogers(tree, [rubyGemfileLockCataloger]);
    await tree.close();
    expect(result.warnings).toEqual([]);
    expect(result.packages.map((p) => p.name).sort()).toEqual(expected.all);
    expect(result.packages.filter((p) => !p.development).map((p) => p.name).sort()).toEqual(expected.runtime);
  }, 120_000);
});
