/**
 * @module Parses a .NET application's *.deps.json, which the build writes beside the
 * application's assemblies: `libraries` keyed "Name/Version". Libraries of type "package" are
 * NuGet packages; "runtimepack" libraries ("runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0",
 * in self-contained applications) are the runtime's own NuGet package and are reported under its
 * real id, since advisories name it. "project" and "reference" libraries are the application's
 * own projects and plain assembly references: not packages, left out without a word.
 * @see https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md
 */
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isNugetId, isNugetVersion, isRecord, nugetPackage, parseJson, sha512FromBase64 } from '../dotnet-packages-lock/nuget-package.js';

export async function parseDepsJson(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parseDepsJsonText(await file.text(), ctx);
}

const runtimePackPrefix = 'runtimepack.';

export function parseDepsJsonText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const parsed = parseJson(text);
  if (!parsed) {
    ctx.warn('UNREADABLE_DEPS_JSON', 'deps.json is not JSON');
    return [];
  }
  const deps = parsed.value;
  if (!isRecord(deps) || !isRecord(deps.libraries)) {
    ctx.warn('UNREADABLE_DEPS_JSON', 'not a .NET deps.json: no "libraries" object');
    return [];
  }
  const byPurl = new Map<string, ParsedPackage>();
  for (const [key, library] of Object.entries(deps.libraries)) {
    if (!isRecord(library)) {
      ctx.skip(`library "${key.slice(0, 100)}" is not an object`);
      continue;
    }
    const type = library.type;
    if (type !== 'package' && type !== 'runtimepack') continue;
    const slash = key.lastIndexOf('/');
    if (slash < 0) {
      ctx.skip(`library "${key.slice(0, 100)}" is not "Name/Version"`);
      continue;
    }
    let name = key.slice(0, slash);
    const version = key.slice(slash + 1);
    if (type === 'runtimepack' && name.startsWith(runtimePackPrefix)) name = name.slice(runtimePackPrefix.length);
    if (!isNugetId(name) || !isNugetVersion(version)) {
      ctx.skip(`library "${key.slice(0, 100)}" has an invalid package id or version`);
      continue;
    }
    const hash = sha512FromBase64(library.sha512);
    const pkg = nugetPackage({
      name,
      version,
      ...(hash ? { hashes: [hash] } : {}),
      ...(type === 'runtimepack' ? { metadata: { libraryType: 'runtimepack' } } : {}),
    });
    if (!byPurl.has(pkg.purl)) byPurl.set(pkg.purl, pkg);
  }
  return [...byPurl.values()];
}
