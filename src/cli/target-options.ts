/**
 * @module The options every command that reads a target shares (`vigil sbom`, `vigil scan`): one
 * definition, so the two never drift apart.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { TakeInventoryOptions } from '../catalog/take-inventory.js';
import { VigilError } from '../errors.js';
import { parseCount, parseDuration, parseSize } from './parse-size.js';
import type { Progress } from './progress.js';

export interface TargetFlags {
  platform?: string;
  quiet?: boolean;
  maxFileSize?: string;
  maxLayerSize?: string;
  maxExtractSize?: string;
  path: string[];
  allPaths?: boolean;
  crossMounts?: boolean;
  maxPackages?: string;
  timeLimit?: string;
  catalogers?: string;
  layer: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function addTargetOptions(command: Command): Command {
  return command
    .option('--layer <zip>', 'a function layer zip, unpacked under /opt over the function package (repeatable, in order)', collect, [])
    .option('--platform <os/arch[/variant]>', 'platform to read from a multi-platform image (default linux/amd64, else the only one)')
    .option('-q, --quiet', 'no progress output and no warnings on stderr')
    .option('--path <dir>', 'also search this folder of a root filesystem for language packages (repeatable)', collect, [])
    .option('--all-paths', 'search the whole root filesystem, not only /usr/lib, /usr/lib64, /usr/local/lib and /usr/local/lib64')
    .option('--cross-mounts', 'walk into other mounted file systems too')
    .option(
      '--catalogers <list>',
      'which catalogers run: all, os, language, or names such as dpkg,npm-lockfile (default: all; for an image or root filesystem, those reading installed packages)',
    )
    .option('--max-packages <count>', 'stop after this many packages, and say so (off by default)')
    .option('--time-limit <duration>', 'stop cataloging after this long, such as 15m or 90s, and say so (off by default)')
    .option('--max-file-size <size>', 'skip package files larger than this, with a warning (default 512M)')
    .option('--max-layer-size <size>', 'skip image layers larger than this uncompressed, with a warning (default 16G)')
    .option('--max-extract-size <size>', 'most bytes kept in the temporary folder while reading an image (default 8G)');
}

/**
 * Checks the flags and turns them into inventory options; bad values fail before any work. The
 * catalogers are loaded only when --catalogers names them (a scan of an SBOM never needs them).
 */
export async function inventoryOptions(flags: TargetFlags, progress: Progress): Promise<TakeInventoryOptions> {
  if (flags.platform !== undefined && !/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_]+)?$/i.test(flags.platform)) {
    throw new VigilError('INVALID_ARGUMENT', `--platform takes os/arch[/variant], such as linux/arm64/v8, not "${flags.platform}"`);
  }
  for (const path of flags.path) {
    if (!path.startsWith('/')) throw new VigilError('INVALID_ARGUMENT', `--path takes an absolute path inside the target, not "${path}"`);
  }
  const limits = {
    ...(flags.maxFileSize ? { maxFileBytes: parseSize(flags.maxFileSize, '--max-file-size') } : {}),
    ...(flags.maxLayerSize ? { maxLayerBytes: parseSize(flags.maxLayerSize, '--max-layer-size') } : {}),
    ...(flags.maxExtractSize ? { maxExtractBytes: parseSize(flags.maxExtractSize, '--max-extract-size') } : {}),
  };
  return {
    limits,
    ...(flags.catalogers ? { catalogers: (await import('../catalog/index.js')).selectCatalogers(flags.catalogers) } : {}),
    paths: flags.path,
    ...(flags.layer.length > 0 ? { layers: flags.layer } : {}),
    ...(flags.allPaths ? { allPaths: true } : {}),
    ...(flags.crossMounts ? { crossMounts: true } : {}),
    ...(flags.maxPackages !== undefined ? { maxPackages: parseCount(flags.maxPackages, '--max-packages') } : {}),
    ...(flags.timeLimit !== undefined ? { timeLimitMs: parseDuration(flags.timeLimit, '--time-limit') } : {}),
    ...(flags.platform ? { platform: flags.platform } : {}),
    onProgress: (done, total) => progress.bytes(done, total),
    onFile: (cataloger, path) => progress.file(cataloger, path),
  };
}

/**
 * Starts the walking worker while the catalogers load, when the target is a directory and the
 * default catalogers (which always walk one) are to run. An explicit selection may not walk at
 * all (`--catalogers os`): its worker starts once the catalogers are known, as any walk's does.
 */
export async function warmWalkWorkerFor(target: string, flags: TargetFlags): Promise<void> {
  if (flags.catalogers !== undefined || !statSync(target, { throwIfNoEntry: false })?.isDirectory()) return;
  const [{ warmWalkWorker }, { walkRootsFor }] = await Promise.all([import('../catalog/walk-worker-start.js'), import('../catalog/walk-roots.js')]);
  // A directory target is most often a root filesystem: its walk roots are listed meanwhile.
  warmWalkWorker({ target, roots: walkRootsFor(true, { paths: flags.path, ...(flags.allPaths ? { allPaths: true } : {}) }) });
}

/** Warnings go to stderr, one line each, so the report on stdout stays clean. */
export function reportWarnings(warnings: ReadonlyArray<{ message: string }>, quiet: boolean): void {
  if (quiet) return;
  for (const warning of warnings) process.stderr.write(`vigil: warning: ${warning.message}\n`);
}
