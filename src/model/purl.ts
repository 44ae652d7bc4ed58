/**
 * @module Package URLs: the one place Vigil builds and parses them (packageurl-js underneath;
 * plain purls are split by plain-purl.ts without it).
 * @see https://github.com/package-url/purl-spec/blob/main/PURL-SPECIFICATION.rst
 */
import { createRequire } from 'node:module';
import type { PackageURL as PackageUrlClass } from 'packageurl-js';
import type { Distro } from './distro.js';
import { parsePlainPurl } from './plain-purl.js';

/** packageurl-js, loaded on first use: reading an SBOM of plain purls never needs it. */
let packageUrlClass: typeof PackageUrlClass | undefined;
function packageUrl(): typeof PackageUrlClass {
  packageUrlClass ??= (createRequire(import.meta.url)('packageurl-js') as { PackageURL: typeof PackageUrlClass }).PackageURL;
  return packageUrlClass;
}

export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  /** Empty and undefined values are left out. */
  qualifiers?: Record<string, string | undefined>;
  subpath?: string;
}

/**
 * Percent-encodes one purl component the way the current specification's canonical form does:
 * everything but the unreserved characters and ':' is encoded (so '+' in "2.4.47-2+b1" becomes
 * %2B). packageurl-js 2 still writes the older form, so it validates and normalises, and this
 * writes.
 */
function encodeComponent(value: string): string {
  return encodeURIComponent(value)
    .replace(/%3A/gi, ':')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodeSegments(value: string): string {
  return value
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .map(encodeComponent)
    .join('/');
}

/** Builds a canonical purl; per-type rules (lower-case names, PyPI '_' → '-', …) come from packageurl-js. */
export function buildPurl(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parts.qualifiers ?? {})) {
    if (value !== undefined && value !== '') qualifiers[key.toLowerCase()] = value;
  }
  let purl: PackageUrlClass;
  try {
    purl = new (packageUrl())(
      parts.type,
      parts.namespace || undefined,
      parts.name,
      parts.version || undefined,
      Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
      parts.subpath || undefined,
    );
  } catch (error) {
    // packageurl-js 2.0.1 throws a ReferenceError from its golang version check on a "v"
    // version that is not semver; every failure becomes one plain, explained error.
    throw new Error(`cannot build a ${parts.type} purl for ${parts.name}@${parts.version ?? ''}: ${error instanceof Error && !(error instanceof ReferenceError) ? error.message : 'invalid parts'}`);
  }
  let text = `pkg:${purl.type}/`;
  if (purl.namespace) text += `${encodeSegments(purl.namespace)}/`;
  text += encodeComponent(purl.name);
  if (purl.version) text += `@${encodeComponent(purl.version)}`;
  const keys = Object.keys(purl.qualifiers ?? {}).sort();
  if (keys.length > 0) text += `?${keys.map((key) => `${key}=${encodeComponent(purl.qualifiers![key]!)}`).join('&')}`;
  if (purl.subpath) text += `#${encodeSegments(purl.subpath)}`;
  return text;
}

/** The parts of a purl; throws on an invalid one. Plain purls are split without packageurl-js (plain-purl.ts). */
export function parsePurl(purl: string): PurlParts {
  return parsePlainPurl(purl) ?? parsePurlWithPackageUrl(purl);
}

/** The parts of any purl as packageurl-js reads it: what the plain split is held to. */
export function parsePurlWithPackageUrl(purl: string): PurlParts {
  const parsed = packageUrl().fromString(purl);
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
