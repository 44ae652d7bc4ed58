/**
 * @module Package URLs: the one place Vigil builds and parses them (packageurl-js underneath).
 * @see https://github.com/package-url/purl-spec/blob/main/PURL-SPECIFICATION.rst
 */
import { PackageURL } from 'packageurl-js';
import type { Distro } from './distro.js';

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  /** Empty and undefined values are left out. */
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

export function buildPurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parts.qualifiers ?? {})) {
    if (value !== undefined && value !== '') qualifiers[key] = value;
  }
  return new PackageURL(
    parts.type,
    parts.namespace || undefined,
    parts.name,
    parts.version || undefined,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    parts.subpath || undefined,
  ).toString();
}

export function parsePurl(purl: string): PurlParts {
  const parsed = PackageURL.fromString(purl);
  const qualifiers = parsed.qualifiers ? { ...parsed.qualifiers } : undefined;
  return {
    type: parsed.type,
    ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
    name: parsed.name,
    ...(parsed.version ? { version: parsed.version } : {}),
    ...(qualifiers && Object.keys(qualifiers).length > 0 ? { qualifiers } : {}),
    ...(parsed.subpath ? { subpath: parsed.subpath } : {}),
  };
}

/** The purl `distro` qualifier for OS packages: `debian-12`, `ubuntu-22.04`, `alpine-3.20.1`. */
export function distroQualifier(distro: Distro | undefined): string | undefined {
  if (!distro) return undefined;
  return distro.versionId ? `${distro.id}-${distro.versionId}` : distro.codename ? `${distro.id}-${distro.codename}` : distro.id;
}
