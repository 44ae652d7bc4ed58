/**
 * @module Parses NuGet's packages.lock.json: for each target framework (and runtime identifier),
 * every package restored, Direct, Transitive or CentralTransitive, with its resolved version and
 * content hash. "Project" entries are other projects of the solution, not NuGet packages, and are
 * left out without a word. The lock file does not say which packages are development-only.
 * @see https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies
 */
import type { PackageHash, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isNugetId, isNugetVersion, isRecord, nugetPackage, parseJson, sha512FromBase64 } from './nuget-package.js';

export async function parsePackagesLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parsePackagesLockText(await file.text(), ctx);
}

interface Seen {
  name: string;
  version: string;
  types: Set<string>;
  frameworks: Set<string>;
  hash?: PackageHash;
}

export function parsePackagesLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const parsed = parseJson(text);
  if (!parsed) {
    ctx.warn('UNREADABLE_LOCKFILE', 'packages.lock.json is not JSON');
    return [];
  }
  const lock = parsed.value;
  if (!isRecord(lock) || !isRecord(lock.dependencies)) {
    ctx.warn('UNREADABLE_LOCKFILE', 'not a NuGet packages.lock.json: no "dependencies" object');
    return [];
  }
  const byKey = new Map<string, Seen>();
  for (const [target, packages] of Object.entries(lock.dependencies)) {
    if (!isRecord(packages)) {
      ctx.skip(`target "${target}" is not an object`);
      continue;
    }
    // "net8.0/linux-x64" is the runtime-specific graph of net8.0.
    const framework = target.split('/')[0]!;
    for (const [name, entry] of Object.entries(packages)) {
      if (!isRecord(entry)) {
        ctx.skip(`"${name}" (${target}) is not an object`);
        continue;
      }
      const type = typeof entry.type === 'string' ? entry.type : undefined;
      if (type === 'Project') continue;
      const version = entry.resolved;
      if (!isNugetId(name)) {
        ctx.skip(`"${String(name).slice(0, 100)}" (${target}) is not a NuGet package id`);
        continue;
      }
      if (!isNugetVersion(version)) {
        ctx.skip(`"${name}" (${target}) has no resolved version`);
        continue;
      }
      const key = `${name}@${version}`;
      let seen = byKey.get(key);
      if (!seen) byKey.set(key, (seen = { name, version, types: new Set(), frameworks: new Set() }));
      if (type) seen.types.add(type);
      seen.frameworks.add(framework);
      seen.hash ??= sha512FromBase64(entry.contentHash);
    }
  }
  return [...byKey.values()].map((seen) => {
    // Direct for one framework and transitive for another is still a direct dependency.
    const dependencyType = seen.types.has('Direct') ? 'Direct' : [...seen.types].sort()[0];
    return nugetPackage({
      name: seen.name,
      version: seen.version,
      ...(seen.hash ? { hashes: [seen.hash] } : {}),
      metadata: { ...(dependencyType ? { dependencyType } : {}), targetFrameworks: [...seen.frameworks].sort().join(',') },
    });
  });
}
