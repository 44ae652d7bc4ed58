/**
 * @module The registry of catalogers: one line per cataloger folder (guarded by registry.test.ts).
 */
import type { Cataloger } from './cataloger.js';
import { apkCataloger } from './apk/index.js';
import { dpkgCataloger } from './dpkg/index.js';
import { rpmCataloger } from './rpm/index.js';

export const catalogers: readonly Cataloger[] = [apkCataloger, dpkgCataloger, rpmCataloger];

export function catalogerNamed(name: string): Cataloger | undefined {
  return catalogers.find((cataloger) => cataloger.name === name);
}

export type { Cataloger } from './cataloger.js';
export { runCatalogers } from './run.js';
export { detectDistro } from './os-release/index.js';
