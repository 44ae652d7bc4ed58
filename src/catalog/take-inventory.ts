/**
 * @module Takes the inventory of a target: open it, detect its OS, run every cataloger, close it.
 */
import { isImageKind, type Inventory } from '../model/inventory.js';
import { openSource, type OpenSourceOptions, type TargetSpec } from '../source/index.js';
import { defaultSourceLimits, type SourceLimits } from '../source/file-tree.js';
import { vigilVersion } from '../version.js';
import type { Cataloger } from './cataloger.js';
import { catalogers as allCatalogers } from './index.js';
import { detectDistro, releaseFilePaths } from './os-release/index.js';
import { compilePatterns } from './patterns.js';
import { runCatalogers } from './run.js';
import { walkRootsFor, type WalkRootOptions } from './walk-roots.js';

export interface TakeInventoryOptions extends WalkRootOptions {
  limits?: Partial<SourceLimits>;
  /** Layer zips of a function package target, applied in order under /opt. */
  layers?: readonly string[];
  /** Walk into other mounted file systems (off: /proc, /sys and network mounts are left alone). */
  crossMounts?: boolean;
  /** Stop after this many packages, saying so in a warning (Inspector's deep inspection stops at 5,000). */
  maxPackages?: number;
  /** Stop cataloging after this many milliseconds, saying so in a warning. */
  timeLimitMs?: number;
  platform?: string;
  /**
   * The catalogers to run, exactly. By default every registered one, but for a built product
   * (an image, a root filesystem) only those that read installed packages (Cataloger.reads).
   */
  catalogers?: readonly Cataloger[];
  onProgress?: OpenSourceOptions['onProgress'];
  onFile?: (cataloger: string, path: string) => void;
  /** Fixed clock for reproducible output. */
  now?: () => Date;
}

export async function takeInventory(target: string | TargetSpec, options: TakeInventoryOptions = {}): Promise<Inventory> {
  const started = Date.now();
  // Before the target is open its kind is not known: an image keeps every file any of them may read.
  const candidates = options.catalogers ?? allCatalogers;
  const named = compilePatterns([...releaseFilePaths, ...candidates.flatMap((c) => c.patterns)]);
  const sniffers = candidates.flatMap((c) => (c.sniff ? [c.sniff] : []));
  // While an image streams, keep what a cataloger will read: named files, and files it may
  // recognise by content.
  const interest = (path: string, mode: number, size: number) =>
    named(path) || sniffers.some((sniff) => sniff.candidate({ path, mode, size }));
  const source = await openSource(target, {
    limits: { ...defaultSourceLimits, ...options.limits },
    interest,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.layers ? { layers: options.layers } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  try {
    const distro = await detectDistro(source.tree);
    const rootFilesystem = source.target.kind === 'directory' && distro !== undefined;
    // In a built product, lockfiles and manifests are its sources' and its vendored libraries':
    // what is installed is what is read, unless the catalogers were named.
    const builtProduct = isImageKind(source.target.kind) || rootFilesystem;
    const catalogers = options.catalogers ?? (builtProduct ? allCatalogers.filter((c) => c.reads === 'installed') : allCatalogers);
    const walkRoots = walkRootsFor(rootFilesystem, options);
    const result = await runCatalogers(source.tree, catalogers, {
      ...(distro ? { distro } : {}),
      walkRoots,
      ...(options.crossMounts ? { crossMounts: true } : {}),
      ...(options.maxPackages !== undefined ? { maxPackages: options.maxPackages } : {}),
      ...(options.timeLimitMs !== undefined ? { deadline: started + options.timeLimitMs } : {}),
      ...(options.onFile ? { onFile: options.onFile } : {}),
    });
    return {
      target: source.target,
      ...(distro ? { distro } : {}),
      packages: result.packages,
      warnings: [...source.warnings, ...result.warnings],
      catalogers: catalogers.map(({ name, version }) => ({ name, version })),
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      tool: { name: 'vigil', version: vigilVersion },
    };
  } finally {
    await source.close();
  }
}
