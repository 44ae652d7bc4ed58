/**
 * @module Takes the inventory of a target: open it, detect its OS, run every cataloger, close it.
 */
import type { Inventory } from '../model/inventory.js';
import { openSource, type OpenSourceOptions, type TargetSpec } from '../source/index.js';
import { defaultSourceLimits, type SourceLimits } from '../source/file-tree.js';
import { vigilVersion } from '../version.js';
import type { Cataloger } from './cataloger.js';
import { catalogers as allCatalogers } from './index.js';
import { detectDistro, releaseFilePaths } from './os-release/index.js';
import { compilePatterns } from './patterns.js';
import { runCatalogers } from './run.js';

export interface TakeInventoryOptions {
  limits?: Partial<SourceLimits>;
  platform?: string;
  catalogers?: readonly Cataloger[];
  onProgress?: OpenSourceOptions['onProgress'];
  onFile?: (cataloger: string, path: string) => void;
  /** Fixed clock for reproducible output. */
  now?: () => Date;
}

export async function takeInventory(target: string | TargetSpec, options: TakeInventoryOptions = {}): Promise<Inventory> {
  const catalogers = options.catalogers ?? allCatalogers;
  const interest = compilePatterns([...releaseFilePaths, ...catalogers.flatMap((c) => c.patterns)]);
  const source = await openSource(target, {
    limits: { ...defaultSourceLimits, ...options.limits },
    interest,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  try {
    const distro = await detectDistro(source.tree);
    const result = await runCatalogers(source.tree, catalogers, {
      ...(distro ? { distro } : {}),
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
