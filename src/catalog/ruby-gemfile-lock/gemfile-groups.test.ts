import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFile, recordingContext } from '../../../test/harness/catalog.js';
import { readGemfileGroups } from './gemfile-groups.js';
import { parseGemfileLock } from './parse-gemfile-lock.js';

const groupsOf = (text: string) => {
  const result = readGemfileGroups(text);
  if (!(result instanceof Map)) throw new Error(result.unreadable);
  return Object.fromEntries([...result].map(([name, groups]) => [name, [...groups].sort()]));
};

describe('readGemfileGroups', () => {
  it('reads group blocks, inline options in both hash syntaxes, and nested blocks', () => {
    expect(
      groupsOf(`source "https://rubygems.org"
ruby "3.2.2"
gem "rails", "~> 7.1"
gem 'pg', '>= 1.1' # "end" in a comment
group :development, :test do
  gem "rspec-rails"
  platforms :mri, :windows do
    gem "debug", require: "debug/prelude"
  end
end
group(:production) do
  gem "lograge"
end
gem "rubocop", require: false, group: :development
gem "factory_bot", :group => [:test]
gem "bootsnap", groups: ["development", :test, :ci]
gem "rspec-rails", group: :ci
gem "simplecov", groups: %i[test coverage]
gem("tzinfo-data", platforms: %i[windows jruby])
unless ENV["NO_SIDEKIQ"]
  gem "sidekiq"
else
  gem "resque", group: :jobs
end
git "https://github.com/rails/rails.git", branch: "main" do
  gem "activesupport"
end
`),
    ).toEqual({
      rails: ['default'],
      pg: ['default'],
      'rspec-rails': ['ci', 'development', 'test'],
      debug: ['development', 'test'],
      lograge: ['production'],
      rubocop: ['development'],
      factory_bot: ['test'],
      simplecov: ['coverage', 'test'],
      bootsnap: ['ci', 'development', 'test'],
      'tzinfo-data': ['default'],
      sidekiq: ['default'],
      resque: ['jobs'],
      activesupport: ['default'],
    });
  });

  it('leaves out gems named by an expression, and takes one-line ifs and blocks as closed', () => {
    expect(groupsOf('gem ENV["DB_GEM"]\nif x then gem "a" end\n%w[b c].each { |n| gem n }\ngem "d" if ENV["D"]\n')).toEqual({ d: ['default'] });
  });

  it('reads nothing from a file it cannot follow', () => {
    expect(readGemfileGroups('gem "a"\nend\n')).toEqual({ unreadable: 'line 2 ends a block that was never opened' });
    expect(readGemfileGroups('group :test do\n  gem "a"\n')).toEqual({ unreadable: '1 block is never closed' });
    expect(readGemfileGroups('group GROUPS do\nend\n')).toEqual({ unreadable: 'line 1 names its groups with an expression' });
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => void readGemfileGroups(text)));
  });
});

describe('development marks from the Gemfile beside Gemfile.lock', () => {
  const lock = `GEM
  remote: https://rubygems.org/
  specs:
    diff-lcs (1.5.0)
    pg (1.5.4)
    rspec-core (3.12.2)
      rspec-support (~> 3.12.0)
    rspec-support (3.12.1)

PLATFORMS
  ruby

DEPENDENCIES
  pg
  rspec-core
`;
  const read = async (others: Record<string, string>, path = '/srv/app/Gemfile.lock') => {
    const { ctx, warnings } = recordingContext();
    const packages = await parseGemfileLock(memoryFile(path, lock, others), ctx);
    return { dev: packages.filter((p) => p.development).map((p) => p.name).sort(), all: packages.length, warnings };
  };

  it('marks what only the development and test groups reach; an undeclared gem is development too', async () => {
    // diff-lcs is locked but nothing declared reaches it: no group needs it at run time.
    expect(await read({ '/srv/app/Gemfile': 'gem "pg"\ngroup :test do\n  gem "rspec-core"\nend\n' })).toEqual({ dev: ['diff-lcs', 'rspec-core', 'rspec-support'], all: 4, warnings: [] });
    expect((await read({ '/srv/app/gems.rb': 'gem "pg"\ngem "rspec-core", group: :test\n' }, '/srv/app/gems.locked')).dev).toEqual(['diff-lcs', 'rspec-core', 'rspec-support']);
  });

  it('marks nothing without a Gemfile, or with one it cannot follow, saying so for the latter', async () => {
    expect(await read({})).toEqual({ dev: [], all: 4, warnings: [] });
    const unreadable = await read({ '/srv/app/Gemfile': 'group :test do\n  gem "rspec-core"\n' });
    expect(unreadable.dev).toEqual([]);
    expect(unreadable.warnings).toEqual([{ code: 'UNREADABLE_PROJECT', message: expect.stringContaining('cannot be followed (1 block is never closed)') }]);
  });

  it('takes a declared gem the Gemfile does not name (from gemspec) as needed at run time', async () => {
    expect((await read({ '/srv/app/Gemfile': 'gemspec\ngroup :test do\n  gem "pg"\nend\n' })).dev).toEqual(['diff-lcs', 'pg']);
  });
});
