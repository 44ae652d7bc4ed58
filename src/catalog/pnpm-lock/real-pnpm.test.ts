/**
 * The pnpm-lock cataloger, and the installed-package cataloger on pnpm's node_modules layout,
 * against a project the real pnpm installed: the lockfile's packages must be exactly those
 * `pnpm ls --depth Infinity` lists, the run-time ones exactly those it lists with --prod, and
 * node_modules/.pnpm must give the same packages but those pnpm did not install on this platform.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installedProject, npmLsPackages, packageManager, type NpmLsNode, type PackageManager } from '../../../test/harness/js-package-managers.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import type { Cataloger } from '../cataloger.js';
import { npmInstalledCataloger } from '../npm-installed/index.js';
import { runCatalogers } from '../run.js';
import { pnpmLockCataloger } from './index.js';

const manifest = `${JSON.stringify(
  {
    name: 'vigil-pnpm-project',
    version: '1.0.0',
    private: true,
    dependencies: { express: '4.18.2', '@babel/code-frame': '7.22.13', left: 'npm:left-pad@1.3.0' },
    optionalDependencies: { 'supports-color': '8.1.1' },
    devDependencies: { mocha: '10.2.0', debug: '4.3.4' },
  },
  null,
  2,
)}\n`;

const id = (p: { name: string; version: string }) => `${p.name}@${p.version}`;

async function catalog(dir: string, cataloger: Cataloger) {
  const result = await runCatalogers(await DirectoryTree.open(dir, defaultSourceLimits), [cataloger]);
  return { ...result, ids: result.packages.map(id).sort() };
}

/** What `pnpm ls` lists (every project of a workspace with -r), each name@version once. */
function pnpmLs(pnpm: PackageManager, dir: string, ...flags: string[]): string[] {
  const listed = pnpm.run(['ls', '--depth', 'Infinity', '--json', ...flags], dir);
  expect(listed.status, listed.stderr).toBe(0);
  const projects = JSON.parse(listed.stdout) as NpmLsNode[];
  return [...new Set(projects.flatMap((project) => [...npmLsPackages(project).present]))].sort();
}

describe('pnpm catalogers on a project installed by the real pnpm', () => {
  const pnpm = packageManager('pnpm');
  const project =
    'skip' in pnpm
      ? pnpm
      : installedProject('pnpm-project', { 'package.json': manifest }, 'node_modules/.modules.yaml', (dir) =>
          // Under CI=true pnpm would otherwise insist on an existing lockfile.
          pnpm.run(['install', '--no-frozen-lockfile', '--ignore-scripts', '--reporter=silent', '--store-dir', `${dir}/.pnpm-store`], dir),
        );



  it('lockfile: exactly what pnpm ls lists, development-only exactly what --prod leaves out', async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    const result = await catalog(project.dir, pnpmLockCataloger);
    expect(result.warnings).toEqual([]);
    expect(result.ids).toEqual(pnpmLs(pnpm as PackageManager, project.dir));
    expect(result.ids.length).toBeGreaterThan(100);
    expect(result.packages.filter((p) => !p.development).map(id).sort()).toEqual(pnpmLs(pnpm as PackageManager, project.dir, '--prod'));
    expect(result.ids).toContain('left-pad@1.3.0');
    expect(result.packages.find((p) => p.name === 'mocha')!.development).toBe(true);
  });

  it("installed: node_modules/.pnpm holds the lockfile's packages but those not installed on this platform", async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    const installed = await catalog(project.dir, npmInstalledCataloger);
    expect(installed.warnings).toEqual([]);
    // pnpm keeps each package in node_modules/.pnpm/<name, "/" as "+">@<version>[_peers or (peers)].
    const folders = readdirSync(`${project.dir}/node_modules/.pnpm`);
    const isInstalled = (pkg: string) => {
      const folder = pkg.replace('/', '+');
      return folders.some((name) => name === folder || name.startsWith(`${folder}_`) || name.startsWith(`${folder}(`));
    };
    const listed = pnpmLs(pnpm as PackageManager, project.dir);
    expect(installed.ids).toEqual(listed.filter(isInstalled));
    expect(installed.ids.length).toBeGreaterThan(listed.length - 5);
  });
});

describe('pnpm-lock cataloger on a workspace installed by the real pnpm', () => {
  const pnpm = packageManager('pnpm');
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  // A workspace depending on another; the root's devDependency and one workspace's are development-only.
  const files = {
    'package.json': json({ name: 'vigil-pnpm-monorepo', private: true, devDependencies: { mocha: '10.2.0' } }),
    'pnpm-workspace.yaml': 'packages:\n  - "packages/*"\n',
    'packages/api/package.json': json({ name: '@vigil/api', version: '1.0.0', dependencies: { express: '4.18.2', '@vigil/web': 'workspace:*' } }),
    'packages/web/package.json': json({ name: '@vigil/web', version: '1.0.0', dependencies: { '@babel/code-frame': '7.22.13' }, devDependencies: { debug: '4.3.4' } }),
  };
  const project =
    'skip' in pnpm
      ? pnpm
      : installedProject('pnpm-monorepo', files, 'node_modules/.modules.yaml', (dir) =>
          pnpm.run(['install', '--no-frozen-lockfile', '--ignore-scripts', '--reporter=silent', '--store-dir', `${dir}/.pnpm-store`], dir),
        );

  it('lockfile: exactly what pnpm ls -r lists over the projects, development-only exactly what --prod leaves out', async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    const result = await catalog(project.dir, pnpmLockCataloger);
    expect(result.warnings).toEqual([]);
    expect(result.ids).toEqual(pnpmLs(pnpm as PackageManager, project.dir, '-r'));
    expect(result.packages.filter((p) => !p.development).map(id).sort()).toEqual(pnpmLs(pnpm as PackageManager, project.dir, '-r', '--prod'));
    expect(result.packages.find((p) => p.name === 'debug' && p.version === '4.3.4')!.development).toBe(true);
    expect(result.packages.find((p) => p.name === 'express')!.development).toBeUndefined();
  });
});
