/**
 * Real JavaScript package managers for tests: pnpm, Yarn classic and Yarn 2+ ("Berry"), each
 * installed from the npm registry at a pinned version into the test cache, and projects they
 * install there (kept between runs while their manifest is unchanged). Where the registry cannot
 * be reached, the caller is told why, and skips.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDir } from './tools.js';

export const packageManagers = {
  pnpm: { package: 'pnpm', version: '9.15.9', script: 'bin/pnpm.cjs' },
  yarnClassic: { package: 'yarn', version: '1.22.22', script: 'bin/yarn.js' },
  yarnBerry: { package: '@yarnpkg/cli-dist', version: '4.18.1', script: 'bin/yarn.js' },
} as const;

export type PackageManagerName = keyof typeof packageManagers;

const NETWORK_TROUBLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|getaddrinfo/i;

function spawn(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } });
}

/** Why a failed command is a reason to skip (no registry) rather than a failure; undefined for a real failure. */
function skipReasonOf(result: SpawnSyncReturns<string>, what: string): string | undefined {
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}${result.error?.message ?? ''}`;
  if (result.error || NETWORK_TROUBLE.test(output)) return `${what} could not run or reach the registry: ${output.split('\n').find(Boolean)}`;
  return undefined;
}

export interface PackageManager {
  /** Runs the package manager in `cwd`; the result as spawnSync gives it. */
  run(args: string[], cwd: string, env?: Record<string, string>): SpawnSyncReturns<string>;
}

/** The package manager, installed once into the cache; a skip reason when the registry cannot be reached. */
export function packageManager(name: PackageManagerName): PackageManager | { skip: string } {
  const { package: pkg, version, script } = packageManagers[name];
  const prefix = cacheDir(`package-managers/${name}-${version}`);
  const entry = join(prefix, 'node_modules', pkg, script);
  if (!existsSync(entry)) {
    const install = spawn('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `${pkg}@${version}`], prefix);
    if (install.status !== 0 || !existsSync(entry)) {
      const skip = skipReasonOf(install, `npm install ${pkg}@${version}`);
      if (skip) return { skip };
      throw new Error(`npm install ${pkg}@${version} failed: ${install.stderr}`);
    }
  }
  return { run: (args, cwd, env) => spawn(process.execPath, [entry, ...args], cwd, env) };
}

/**
 * A project folder in the cache holding `files` (package.json among them), installed by running
 * `install` there; a folder whose files are unchanged and installed (`installedMarker` exists) is
 * reused. A skip reason when the registry cannot be reached.
 */
export function installedProject(
  name: string,
  files: Record<string, string>,
  installedMarker: string,
  install: (dir: string) => SpawnSyncReturns<string>,
): { dir: string } | { skip: string } {
  const dir = cacheDir(name);
  const current = Object.entries(files).every(([file, text]) => existsSync(join(dir, file)) && readFileSync(join(dir, file), 'utf8') === text) && existsSync(join(dir, installedMarker));
  if (current) return { dir };
  rmSync(dir, { recursive: true, force: true });
  cacheDir(name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const result = install(dir);
  if (result.status !== 0 || !existsSync(join(dir, installedMarker))) {
    const skip = skipReasonOf(result, `installing ${name}`);
    if (skip) return { skip };
    throw new Error(`installing ${name} failed: ${result.stderr}${result.stdout}`);
  }
  return { dir };
}

export interface NpmLsNode {
  version?: string;
  /** pnpm's: the real name of a package listed under its alias. */
  from?: string;
  dependencies?: Record<string, NpmLsNode>;
  /** pnpm lists a project's dev and optional dependencies apart; npm lists all as dependencies. */
  devDependencies?: Record<string, NpmLsNode>;
  optionalDependencies?: Record<string, NpmLsNode>;
}

/**
 * Every name@version in an `npm ls --all --json` tree (or pnpm's, which has the same shape),
 * each once, and the names listed without a version (not installed).
 */
export function npmLsPackages(root: NpmLsNode): { present: Set<string>; missing: Set<string> } {
  const present = new Set<string>();
  const missing = new Set<string>();
  const walk = (dependencies: Record<string, NpmLsNode> | undefined) => {
    for (const [name, child] of Object.entries(dependencies ?? {})) {
      // A workspace another depends on has a "link:" version in pnpm's tree.
      if (!child.version) missing.add(name);
      else if (!child.version.startsWith('link:')) present.add(`${child.from ?? name}@${child.version}`);
      walk(child.dependencies);
    }
  };
  walk(root.dependencies);
  walk(root.devDependencies);
  walk(root.optionalDependencies);
  return { present, missing };
}

/**
 * What the real npm says is needed at run time in a project another package manager installed
 * into node_modules: `npm ls --all --omit=dev` reads the installed tree and package.json.
 */
export function npmRuntimePackages(dir: string): Set<string> {
  const listed = spawn('npm', ['ls', '--all', '--json', '--omit=dev'], dir);
  if (!listed.stdout) throw new Error(`npm ls failed: ${listed.stderr}`);
  return npmLsPackages(JSON.parse(listed.stdout) as NpmLsNode).present;
}

/**
 * Every package installed under `dir`/node_modules, by the name and version its package.json
 * states: node_modules/<name> and node_modules/@scope/<name>, and their own node_modules below,
 * links (a workspace's) left out. A plain reading of the folders a package manager wrote.
 */
export function installedPackages(dir: string): string[] {
  const found = new Set<string>();
  const visit = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue;
      const path = join(modules, name);
      if (name.startsWith('@')) {
        for (const scoped of readdirSync(path)) visitPackage(join(path, scoped));
      } else {
        visitPackage(path);
      }
    }
  };
  const visitPackage = (path: string) => {
    if (lstatSync(path).isSymbolicLink() || !existsSync(join(path, 'package.json'))) return;
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name: string; version: string };
    found.add(`${manifest.name}@${manifest.version}`);
    visit(join(path, 'node_modules'));
  };
  visit(join(dir, 'node_modules'));
  return [...found].sort();
}
