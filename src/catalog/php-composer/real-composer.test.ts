/**
 * The Composer catalogers against the real Composer (Debian's composer package, which `.ci/run`
 * installs): a project made by `composer install` from local path repositories (no network), with
 * a dependency both the project and a development dependency need, a development-only transitive
 * one, and versions written with and without "v". Over the project, the packages must be exactly
 * those `composer show` lists, found in both composer.lock and vendor/composer/installed.json,
 * and those not marked development exactly those `composer show --no-dev` lists; after
 * `composer install --no-dev` too, when installed.json holds the run-time packages alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../../test/harness/tools.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { phpComposerInstalledCataloger } from '../php-composer-installed/index.js';
import { runCatalogers } from '../run.js';
import { phpComposerCataloger } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-composer-'));

function composer(args: string[], cwd: string): string {
  const result = spawnSync('composer', [...args, '--no-interaction', '--no-ansi'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, COMPOSER_HOME: join(work, 'home'), COMPOSER_ALLOW_SUPERUSER: '1', COMPOSER_DISABLE_NETWORK: '1' },
  });
  if (result.status !== 0) throw new Error(`composer ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** `composer show --format=json`: "vendor/name@version", sorted. */
function shown(project: string, extra: string[] = []): string[] {
  const { installed } = JSON.parse(composer(['show', '--format=json', ...extra], project)) as { installed: Array<{ name: string; version: string }> };
  return installed.map((p) => `${p.name}@${p.version}`).sort();
}

/** Local packages: name, version, what they require. */
const libraries: Array<[string, string, Record<string, string>]> = [
  ['psr/log', '3.0.0', {}],
  ['monolog/monolog', '3.5.0', { 'psr/log': '^3.0' }],
  ['symfony/polyfill-ctype', 'v1.28.0', {}],
  ['acme/test-util', '1.2.0', { 'psr/log': '^3.0', 'doctrine/instantiator': '^2.0' }],
  ['doctrine/instantiator', '2.0.0', {}],
  ['phpunit/phpunit', '10.5.1', { 'acme/test-util': '^1.2' }],
];

describe.skipIf(!hasTool('composer'))('the Composer catalogers against real Composer', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('list exactly what composer show lists, development packages marked as composer --no-dev leaves them out', async () => {
    for (const [name, version, require] of libraries) {
      const dir = join(work, 'packages', name.replace('/', '-'));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'composer.json'), JSON.stringify({ name, version, type: 'library', license: 'MIT', require }));
    }
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'composer.json'),
      JSON.stringify({
        name: 'acme/app',
        type: 'project',
        repositories: [{ type: 'path', url: '../packages/*', options: { symlink: false } }, { 'packagist.org': false }],
        require: { 'monolog/monolog': '^3.5', 'symfony/polyfill-ctype': '^1.28' },
        'require-dev': { 'phpunit/phpunit': '^10.5' },
      }),
    );
    const inventory = async () => {
      const tree = await DirectoryTree.open(project, defaultSourceLimits);
      const result = await runCatalogers(tree, [phpComposerCataloger, phpComposerInstalledCataloger]);
      await tree.close();
      expect(result.warnings).toEqual([]);
      return {
        all: result.packages.map((p) => `${p.name}@${p.version}`).sort(),
        runtime: result.packages.filter((p) => !p.development).map((p) => `${p.name}@${p.version}`).sort(),
        locations: new Set(result.packages.map((p) => p.locations.map((l) => l.path).join(' '))),
      };
    };

    composer(['install', '--no-progress'], project);
    const everything = shown(project);
    const runtime = shown(project, ['--no-dev']);
    expect(everything).toHaveLength(libraries.length);
    expect(runtime).toEqual(['monolog/monolog@3.5.0', 'psr/log@3.0.0', 'symfony/polyfill-ctype@v1.28.0']);
    const full = await inventory();
    expect(full.all).toEqual(everything);
    expect(full.runtime).toEqual(runtime);
    expect([...full.locations]).toEqual(['/composer.lock /vendor/composer/installed.json']);

    // Installed without development packages: the lockfile still lists them, marked.
    composer(['install', '--no-dev', '--no-progress'], project);
    expect(shown(project)).toEqual(runtime);
    const lean = await inventory();
    expect(lean.all).toEqual(everything);
    expect(lean.runtime).toEqual(runtime);
  }, 300_000);
});
