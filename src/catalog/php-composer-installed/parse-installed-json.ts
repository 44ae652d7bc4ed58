/**
 * @module Parses vendor/composer/installed.json, Composer's record of what it installed into
 * vendor/. Composer 1 wrote a bare array of package entries (and no word on dev); Composer 2
 * writes {"packages": [...], "dev": bool, "dev-package-names": [...]}, and the packages named in
 * dev-package-names are development-only.
 * @see https://getcomposer.org/doc/07-runtime.md#installed-versions
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { ComposerPackageSet, isRecord, parseJson, readComposerEntry } from '../php-composer/composer-package.js';

export async function parseInstalledJson(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseInstalledJsonText(await file.text(), ctx);
}

export function parseInstalledJsonText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const parsed = parseJson(text);
  if (!parsed) {
    ctx.warn('UNREADABLE_INSTALLED_JSON', 'installed.json is not JSON');
    return [];
  }
  const document = parsed.value;
  let entries: unknown[];
  const devNames = new Set<string>();
  if (Array.isArray(document)) {
    entries = document; // Composer 1
  } else if (isRecord(document) && Array.isArray(document.packages)) {
    entries = document.packages;
    const names = document['dev-package-names'];
    if (Array.isArray(names)) for (const name of names) if (typeof name === 'string') devNames.add(name.toLowerCase());
  } else {
    ctx.warn('UNREADABLE_INSTALLED_JSON', 'not a Composer installed.json: neither a list of packages nor {"packages": [...]}');
    return [];
  }
  const set = new ComposerPackageSet();
  entries.forEach((entry, index) => {
    const name = isRecord(entry) && typeof entry.name === 'string' ? entry.name.toLowerCase() : '';
    set.add(readComposerEntry(entry, devNames.has(name), `packages[${index}]`, ctx));
  });
  return set.list();
}
