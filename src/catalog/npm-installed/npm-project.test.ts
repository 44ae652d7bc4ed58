/**
 * The npm catalogers against a project the real npm installed: the packages they find must be
 * exactly the ones `npm ls --all` reports, and the lockfile's dev marks must come through.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installedProject, npmLsPackages, type NpmLsNode } from '../../../test/harness/js-package-managers.js';
import { cacheDir } from '../../../test/harness/tools.js';
import type { Cataloger } from '../cataloger.js';
import { runCatalogers } from '../run.js';
import { DirectoryTree } from '../../source/directory.js';
import { defaultSourceLimits } from '../../source/file-tree.js';
import { npmLockfileCataloger } from '../npm-lockfile/index.js';
import { npmInstalledCataloger } from './index.js';

const manifest = `${JSON.stringify(
  {
    name: 'vigil-npm-project',
    version: '1.0.0',
    private: true,
    dependencies: { express: '4.18.2', '@babel/code-frame': '7.22.13' },
    devDependencies: { mocha: '10.2.0' },
  },
  null,
  2,
)}\n`;

function npm(args: string[], cwd: string) {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
}

describe('npm catalogers on a project installed by the real npm', () => {
  let project = '';
  let skipReason: string | undefined;
  let ls: { present: Set<string>; missing: Set<string> };
  let lsProduction: Set<string>;
  let lock: { packages: Record<string, { version?: string; name?: string; dev?: boolean; optional?: boolean }> };

  beforeAll(() => {
    project = cacheDir('npm-project');
    const manifestPath = `${project}/package.json`;
    const lockPath = `${project}/package-lock.json`;
    const current =
      existsSync(manifestPath) &&
      readFileSync(manifestPath, 'utf8') === manifest &&
      existsSync(lockPath) &&
      existsSync(`${project}/node_modules/.package-lock.json`) &&
      npm(['ls', '--all'], project).status === 0;
    if (!current) {
      rmSync(`${project}/node_modules`, { recursive: true, force: true });
      rmSync(lockPath, { force: true });
      writeFileSync(manifestPath, manifest);
      const install = npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], project);
      if (install.status !== 0) {
        const output = `${install.stderr ?? ''}${install.error?.message ?? ''}`;
        if (install.error || /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/i.test(output)) {
          skipReason = `npm install could not run or reach the registry: ${output.split('\n').find(Boolean)}`;
          return;
        }
        throw new Error(`npm install failed: ${output}`);
      }
    }
    const listed = npm(['ls', '--all', '--json'], project);
    ls = npmLsPackages(JSON.parse(listed.stdout) as NpmLsNode);
    lsProduction = npmLsPackages(JSON.parse(npm(['ls', '--all', '--json', '--omit=dev'], project).stdout) as NpmLsNode).present;
    lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  }, 360_000);

  async function catalog(...catalogers: Cataloger[]) {
    const tree = await DirectoryTree.open(project, defaultSourceLimits);
    const result = await runCatalogers(tree, catalogers);
    return { ...result, ids: new Set(result.packages.map((p) => `${p.name}@${p.version}`)) };
  }

  /** Lockfile entries npm did not install (optional packages for another platform, such as fsevents). */
  function lockedButNotInstalled(): Set<string> {
    const notInstalled = new Set<string>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || existsSync(`${project}/${path}/package.json`)) continue;
      expect(entry.optional, `${path} is missing from node_modules but not optional`).toBe(true);
      notInstalled.add(`${entry.name ?? path.split('node_modules/').pop()}@${entry.version}`);
    }
    return notInstalled;
  }

  it('installed view: exactly the packages npm ls reports', async (context) => {
    if (skipReason) return context.skip(skipReason);
    const result = await catalog(npmInstalledCataloger);
    expect(result.warnings).toEqual([]);
    expect([...result.ids].sort()).toEqual([...ls.present].sort());
    expect(ls.present.size).toBeGreaterThan(100);
    expect(result.ids).toContain('@babel/code-frame@7.22.13');
    expect(result.ids).toContain('express@4.18.2');
  });

  it('lockfile view: the same packages, plus the optional ones npm skipped on this platform', async (context) => {
    if (skipReason) return context.skip(skipReason);
    const result = await catalog(npmLockfileCataloger);
    expect(result.warnings).toEqual([]);
    const extra = lockedButNotInstalled();
    // npm ls lists a skipped optional dependency without a version.
    for (const id of extra) expect(ls.missing).toContain(id.slice(0, id.lastIndexOf('@')));
    expect([...result.ids].sort()).toEqual([...new Set([...ls.present, ...extra])].sort());
  });

  it('lockfile view: development-only exactly where npm says so', async (context) => {
    if (skipReason) return context.skip(skipReason);
    const result = await catalog(npmLockfileCataloger);
    const runtime = result.packages.filter((p) => !p.development).map((p) => `${p.name}@${p.version}`);
    // What npm ls keeps without dev dependencies is what is not development-only.
    expect(runtime.sort()).toEqual([...lsProduction].sort());
    const lockDev = new Set(
      Object.entries(lock.packages)
        .filter(([path, entry]) => path !== '' && entry.dev === true)
        .map(([path, entry]) => `${entry.name ?? path.split('node_modules/').pop()}@${entry.version}`),
    );
    for (const pkg of result.packages) {
      if (pkg.development) expect(lockDev).toContain(`${pkg.name}@${pkg.version}`);
    }
    expect(result.packages.find((p) => p.name === 'mocha')!.development).toBe(true);
    expect(result.packages.find((p) => p.name === 'express')!.development).toBeUndefined();
  });

  it('both views merge into one package per name@version, with the lockfile and node_modules locations', async (context) => {
    if (skipReason) return context.skip(skipReason);
    const both = await catalog(npmLockfileCataloger, npmInstalledCataloger);
    const lockfileOnly = await catalog(npmLockfileCataloger);
    expect(both.packages.length).toBe(lockfileOnly.packages.length);
    expect([...both.ids].sort()).toEqual([...lockfileOnly.ids].sort());
    const express = both.packages.find((p) => p.name === 'express')!;
    expect(express.locations.map((l) => l.path)).toEqual(['/package-lock.json', '/node_modules/express/package.json']);
    const extra = lockedButNotInstalled();
    for (const pkg of both.packages) {
      const id = `${pkg.name}@${pkg.version}`;
      if (extra.has(id)) expect(pkg.locations, id).toHaveLength(1);
      else expect(pkg.locations.length, id).toBeGreaterThanOrEqual(2);
    }
    // An installed copy cannot tell dev from run time, so the lockfile's marks stand in a combined run.
    const devInBoth = both.packages.filter((p) => p.development).map((p) => `${p.name}@${p.version}`);
    const devLocked = lockfileOnly.packages.filter((p) => p.development).map((p) => `${p.name}@${p.version}`);
    expect(devInBoth.sort()).toEqual(devLocked.sort());
    expect(devInBoth).toContain('mocha@10.2.0');
  });
});

describe('npm lockfile cataloger on a workspace project installed by the real npm', () => {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  // Workspaces by pattern, one depending on the other; the root's devDependency and one
  // workspace's are development-only.
  const files = {
    'package.json': json({ name: 'vigil-npm-monorepo', private: true, workspaces: ['packages/*'], devDependencies: { mocha: '10.2.0' } }),
    'packages/api/package.json': json({ name: '@vigil/api', version: '1.0.0', dependencies: { express: '4.18.2', '@vigil/web': '1.0.0' } }),
    'packages/web/package.json': json({ name: '@vigil/web', version: '1.0.0', dependencies: { '@babel/code-frame': '7.22.13' }, devDependencies: { debug: '4.3.4' } }),
  };
  const project = installedProject('npm-monorepo', files, 'node_modules/.package-lock.json', (dir) => npm(['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir));

  /** Every name@version `npm ls --all` prints (the workspaces among them), and those it lists without a version. */
  function npmLs(dir: string, ...flags: string[]) {
    const listed = npm(['ls', '--all', '--json', ...flags], dir);
    return npmLsPackages(JSON.parse(listed.stdout) as NpmLsNode);
  }

  it('lists exactly what npm ls lists, the workspaces included, and marks development-only what --omit=dev leaves out', async (context) => {
    if ('skip' in project) return context.skip(project.skip);
    const result = await runCatalogers(await DirectoryTree.open(project.dir, defaultSourceLimits), [npmLockfileCataloger]);
    expect(result.warnings).toEqual([]);
    const ids = (packages: typeof result.packages) => packages.map((p) => `${p.name}@${p.version}`).sort();
    const all = npmLs(project.dir);
    // Optional packages for another platform are locked but not installed: npm ls names them without a version.
    const notInstalled = ids(result.packages).filter((id) => !all.present.has(id));
    for (const id of notInstalled) expect(all.missing).toContain(id.slice(0, id.lastIndexOf('@')));
    expect(ids(result.packages)).toEqual([...new Set([...all.present, ...notInstalled])].sort());
    expect(ids(result.packages.filter((p) => !p.development))).toEqual([...npmLs(project.dir, '--omit=dev').present].sort());
    expect(ids(result.packages)).toEqual(expect.arrayContaining(['@vigil/api@1.0.0', '@vigil/web@1.0.0']));
    expect(result.packages.find((p) => p.name === 'debug' && p.version === '4.3.4')!.development).toBe(true);
  });
});
