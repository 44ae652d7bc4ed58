/**
 * @module Parses packages.config, the package list of .NET Framework-era projects:
 * <package id version targetFramework developmentDependency/> under <packages>. A package whose
 * developmentDependency is "true" is marked development (NuGet's own flag for build-time tools).
 * @see https://learn.microsoft.com/en-us/nuget/reference/packages-config
 */
import type { PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { isNugetId, isNugetVersion, nugetPackage } from '../dotnet-packages-lock/nuget-package.js';
import { childrenNamed, readXmlDocument } from './xml.js';

export async function parsePackagesConfig(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  return parsePackagesConfigText(await file.text(), ctx);
}

export function parsePackagesConfigText(text: string, ctx: CatalogContext): ParsedPackage[] {
  const document = readXmlDocument(text);
  if (!document) {
    ctx.warn('UNREADABLE_PACKAGES_CONFIG', 'packages.config is not well-formed XML');
    return [];
  }
  if (document.name !== 'packages') {
    ctx.warn('UNREADABLE_PACKAGES_CONFIG', `not a packages.config: the root element is <${document.name}>, not <packages>`);
    return [];
  }
  const byPurl = new Map<string, ParsedPackage>();
  childrenNamed(document.root, 'package').forEach((element, index) => {
    const { id, version, targetframework: targetFramework, developmentdependency: developmentDependency } = element.attributes;
    if (!isNugetId(id)) {
      ctx.skip(`package ${index + 1} has no valid id`);
      return;
    }
    if (!isNugetVersion(version)) {
      ctx.skip(`package "${id}" has no valid version`);
      return;
    }
    const metadata: PackageMetadata = targetFramework ? { targetFramework } : {};
    const pkg = nugetPackage({ name: id, version, development: developmentDependency?.trim().toLowerCase() === 'true', metadata });
    const existing = byPurl.get(pkg.purl);
    if (!existing) byPurl.set(pkg.purl, pkg);
    else if (existing.development && !pkg.development) delete existing.development;
  });
  return [...byPurl.values()];
}
