/**
 * @module The one way every .NET cataloger (packages.lock.json, *.deps.json, packages.config,
 * project files) turns a NuGet package id and version into a package. The purl keeps the id's
 * case: the purl specification says NuGet names are case sensitive in a purl, even though NuGet
 * itself matches ids without regard to case.
 * @see https://github.com/package-url/purl-spec/blob/main/types/nuget-definition.json
 */
import type { PackageHash, PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

/** NuGet's package id rule: letters, digits, '.', '-', '_', at most 100 characters. */
const nugetId = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A NuGet version: 1 to 4 numeric parts, then SemVer 2 pre-release and build parts. */
const nugetVersion = /^[0-9]+(?:\.[0-9]+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function isNugetId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= 100 && nugetId.test(id);
}

export function isNugetVersion(version: unknown): version is string {
  return typeof version === 'string' && version.length <= 256 && nugetVersion.test(version);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** NuGet's content hashes are base64 SHA-512 ("sha512-…" in deps.json); as lower-case hex. */
export function sha512FromBase64(text: unknown): PackageHash | undefined {
  if (typeof text !== 'string') return undefined;
  const base64 = text.startsWith('sha512-') ? text.slice('sha512-'.length) : text;
  if (!/^[A-Za-z0-9+/]{86}==$/.test(base64)) return undefined;
  return { algorithm: 'SHA-512', value: Buffer.from(base64, 'base64').toString('hex') };
}

export interface NugetFacts {
  name: string;
  version: string;
  development?: boolean;
  hashes?: PackageHash[];
  metadata?: PackageMetadata;
}

/** The package for an id and version already checked with isNugetId / isNugetVersion. */
export function nugetPackage(facts: NugetFacts): ParsedPackage {
  const metadata = facts.metadata ?? {};
  return {
    name: facts.name,
    version: facts.version,
    type: 'nuget',
    purl: buildPurl({ type: 'nuget', name: facts.name, version: facts.version }),
    ecosystem: 'NuGet',
    ...(facts.development ? { development: true } : {}),
    ...(facts.hashes && facts.hashes.length > 0 ? { hashes: facts.hashes } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** JSON.parse that reports failure as undefined instead of throwing. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    // .NET tools write a byte-order mark now and then.
    return { value: JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown };
  } catch {
    return undefined;
  }
}
