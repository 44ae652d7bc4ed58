/**
 * @module Parses composer.lock: `packages` are what the project needs at run time,
 * `packages-dev` what only its require-dev needs (marked development, never dropped).
 * Platform requirements (php, ext-*) are not packages and live elsewhere in the file.
 * @see https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { ComposerPackageSet, isRecord, parseJson, readComposerEntry } from './composer-package.js';

export async function parseComposerLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseComposerLockText(await file.text(), ctx);
}

export function parseComposerLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const parsed = parseJson(text);
  if (!parsed) {
    ctx.warn('UNREADABLE_LOCKFILE', 'composer.lock is not JSON');
    return [];
  }
  const lock = parsed.value;
  if (!isRecord(lock) || (!('packages' in lock) && !('packages-dev' in lock))) {
    ctx.warn('UNREADABLE_LOCKFILE', 'not a composer.lock: no "packages" or "packages-dev" list');
    return [];
  }
  const set = new ComposerPackageSet();
  for (const [key, development] of [['packages', false], ['packages-dev', true]] as const) {
    const list = lock[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      ctx.warn('UNREADABLE_LOCKFILE', `composer.lock "${key}" is not a list`);
      continue;
    }
    list.forEach((entry, index) => set.add(readComposerEntry(entry, development, `${key}[${index}]`, ctx)));
  }
  return set.list();
}
