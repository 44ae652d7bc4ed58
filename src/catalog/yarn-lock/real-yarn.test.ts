/**
 * The yarn.lock cataloger against projects the real Yarn installed, classic (1.x) and Berry (4.x):
 * it must list exactly the packages Yarn itself lists for the lockfile, and mark development-only
 * exactly those that the real npm, reading the installed tree, leaves out with --omit=dev.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installedPackages, installedProject, npmRuntimePackages, packageManager, type PackageManager } from '../../../test/harness/js-package-managers.js';
import { cacheDir } from '../../../test/harness/tools.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { runCatalogers } from '../run.js';
import { yarnLockCataloger } from './index.js';

/** A project with run-time, optional, aliased and development dependencies that share packages (mocha needs supports-color 8.1.1 too). */
function manifest(name: string): string {
  return `${JSON.stringify(
    {
      name,
      version: '1.0.0',
      private: true,
      license: 'UNLICENSED',
      dependencies: { express: '4.18.2', '@babel/code-frame': '7.22.13', left: 'npm:left-pad@1.3.0' },
      optionalDependencies: { 'supports-color': '8.1.1' },
      devDependencies: { mocha: '10.2.0', debug: '4.3.4' },
    },
    null,
    2,
  )}\n`;
}

/** The tools list an aliased package by its alias (the folder it is installed in); packages go by their real name. */
const ALIASES: Record<string, string> = { left: 'left-pad' };

function realNames(ids: Iterable<string>): string[] {
  return [...ids]
    .map((id) => {
      const at = id.lastIndexOf('@');
      return `${ALIASES[id.slice(0, at)] ?? id.slice(0, at)}${id.slice(at)}`;
    })
    .sort();
}

/**
 * The lockfile's packages are exactly those Yarn listed, and the run-time ones exactly those npm
 * keeps without --omit=dev, the aliased and optional dependencies among them.
 */
async function expectLikeTheTools(dir: string, yarnListed: Iterable<string>): Promise<void> {
  const result = await catalogLockfile(dir);
  expect(result.warnings).toEqual([]);
  expect(result.all).toEqual(realNames(yarnListed));
  expect(result.all.length).toBeGreaterThan(100);
  expect(result.runtime).toEqual(realNames(npmRuntimePackages(dir)));
  expect(result.development).toContain('mocha@10.2.0');
  expect(result.runtime).toContain('left-pad@1.3.0');
  expect(result.runtime).toContain('supports-color@8.1.1');
}

/** `yarn install` by Yarn classic, no scripts run, its cache kept in the test cache, outside the project. */
function yarnClassicInstall(yarn: PackageManager, dir: string, ...flags: string[]) {
  return yarn.run(['install', '--ignore-scripts', '--non-interactive', '--no-progress', '--silent', '--cache-folder', cacheDir('yarn-classic-cache'), ...flags], dir);
}

async function catalogLockfile(dir: string) {
  const tree = await DirectoryTree.open(dir, defaultSourceLimits);
  const result = await runCatalogers(tree, [yarnLockCataloger]);
  const id = (p: { name: string; version: string }) => `${p.name}@${p.version}`;
  return {
    warnings: result.warnings,
    all: result.packages.map(id).sort(),
    runtime: result.packages.filter((p) => !p.development).map(id).sort(),
    development: result.packages.filter((p) => p.development).map(id).sort(),
  };
}

describe('yarn-lock cataloger on a project installed by the real Yarn classic', () => {
  const yarn = packageManager('yarnClassic');
  const project =
    'skip' in yarn
      ? yarn
      : installedProject('yarn-classic-project', { 'package.json': manifest('vigil-yarn-classic') }, 'node_modules/.yarn-integrity', (dir) =>
          yarnClassicInstall(yarn, dir),
        );

  it('lists exactly what yarn list lists, and marks development-only what npm ls --omit=dev leaves out', async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    if ('skip' in yarn) return context.skip(yarn.skip);
    const listed = yarn.run(['list', '--json', '--silent', '--no-progress'], project.dir);
    expect(listed.status, listed.stderr).toBe(0);
    // One JSON object a line; the tree's entries not marked "shadow" are the packages installed.
    const tree = listed.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { type: string; data: { trees?: unknown[] } }).find((line) => line.type === 'tree')!;
    const yarnListed = new Set<string>();
    const walk = (nodes: unknown[] | undefined) => {
      for (const node of (nodes ?? []) as Array<{ name: string; shadow?: boolean; children?: unknown[] }>) {
        if (!node.shadow) yarnListed.add(node.name);
        walk(node.children);
      }
    };
    walk(tree.data.trees);

    await expectLikeTheTools(project.dir, yarnListed);
  });
});

describe('yarn-lock cataloger on a monorepo installed by the real Yarn classic', () => {
  const yarn = packageManager('yarnClassic');
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  // Workspaces by pattern; the root's devDependency and one workspace's are development-only.
  const files = {
    'package.json': json({ name: 'vigil-yarn-monorepo', private: true, license: 'UNLICENSED', workspaces: ['packages/*'], devDependencies: { mocha: '10.2.0' } }),
    'packages/api/package.json': json({ name: '@vigil/api', version: '1.0.0', license: 'UNLICENSED', dependencies: { express: '4.18.2' } }),
    'packages/web/package.json': json({ name: '@vigil/web', version: '1.0.0', license: 'UNLICENSED', dependencies: { '@babel/code-frame': '7.22.13' }, devDependencies: { debug: '4.3.4' } }),
  };
  const install = (dir: string, ...flags: string[]) => yarnClassicInstall(yarn as PackageManager, dir, ...flags);
  const project = 'skip' in yarn ? yarn : installedProject('yarn-classic-monorepo', files, 'node_modules/.yarn-integrity', (dir) => install(dir));
  // The same project installed from its lockfile for production: what Yarn itself installs to run it.
  const production =
    'skip' in project
      ? project
      : installedProject('yarn-classic-monorepo-production', { ...files, 'yarn.lock': readFileSync(`${project.dir}/yarn.lock`, 'utf8') }, 'node_modules/.yarn-integrity', (dir) =>
          install(dir, '--production', '--frozen-lockfile'),
        );

  it('marks development-only exactly the packages yarn install --production leaves out', async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    if ('skip' in production) return context.skip(production.skip);
    const result = await catalogLockfile(project.dir);
    expect(result.warnings).toEqual([]);
    expect(result.runtime).toEqual(installedPackages(production.dir));
    expect(result.runtime).toContain('express@4.18.2');
    expect(result.development).toContain('mocha@10.2.0');
    expect(result.development).toContain('debug@4.3.4');
  });
});

describe('yarn-lock cataloger on a project installed by the real Yarn Berry', () => {
  const yarn = packageManager('yarnBerry');
  // Berry installs into node_modules with this linker, so npm can judge the installed tree; an
  // empty yarn.lock makes the folder a project of its own rather than part of this repository.
  const files = {
    'package.json': manifest('vigil-yarn-berry'),
    '.yarnrc.yml': 'nodeLinker: node-modules\nenableGlobalCache: false\nenableScripts: false\nenableTelemetry: false\n',
  };
  const project =
    'skip' in yarn
      ? yarn
      : installedProject('yarn-berry-project', files, 'node_modules/.yarn-state.yml', (dir) => {
          writeFileSync(`${dir}/yarn.lock`, '');
          // Under CI=true Berry refuses to write a lockfile unless told it may.
          return yarn.run(['install', '--no-immutable'], dir, { YARN_ENABLE_PROGRESS_BARS: '0' });
        });

  it('lists exactly what yarn info --all --recursive lists, and marks development-only what npm ls --omit=dev leaves out', async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    if ('skip' in yarn) return context.skip(yarn.skip);
    const info = yarn.run(['info', '--all', '--recursive', '--json'], project.dir);
    expect(info.status, info.stderr).toBe(0);
    // Locators "name@npm:1.2.3"; a builtin patch ("fsevents@patch:fsevents@npm%3A2.3.3#…") stands
    // for the package it patches, which is listed too; the workspace is the project itself.
    const yarnListed = new Set<string>();
    for (const line of info.stdout.split('\n').filter(Boolean)) {
      const locator = (JSON.parse(line) as { value: string }).value;
      const at = locator.indexOf('@', 1);
      const reference = locator.slice(at + 1);
      if (reference.startsWith('workspace:') || reference.startsWith('patch:')) continue;
      yarnListed.add(`${locator.slice(0, at)}@${reference.replace(/^npm:/, '')}`);
    }

    await expectLikeTheTools(project.dir, yarnListed);
  });
});
