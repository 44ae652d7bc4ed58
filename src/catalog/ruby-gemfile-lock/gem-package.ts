/**
 * @module The one way the RubyGems catalogers (Gemfile.lock, installed gemspecs) turn a gem's name,
 * version and platform into a package, so that a lockfile entry and the installed copy it
 * describes get the same purl and the driver merges them.
 * @see https://github.com/package-url/purl-spec/blob/main/types/gem-definition.json
 */
import type { PackageHash, PackageMetadata, ParsedPackage } from '../../model/package.js';
import { buildPurl } from '../../model/purl.js';

/** RubyGems' own rule for a gem name (Gem::Specification::VALID_NAME_PATTERN). */
const gemName = /^[A-Za-z0-9._-]+$/;

/** Gem::Version's pattern: numeric first segment, dot segments, an optional "-pre" part. */
const gemVersion = /^[0-9]+(?:\.[0-9A-Za-z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** A platform as RubyGems writes it: "x86_64-linux", "java", "arm64-darwin-22", "x64-mingw-ucrt". */
const gemPlatform = /^[A-Za-z0-9_.-]+$/;

export function isGemName(name: string): boolean {
  return name.length <= 256 && gemName.test(name);
}

export function isGemVersion(version: string): boolean {
  return version.length <= 256 && gemVersion.test(version);
}

export function isGemPlatform(platform: string): boolean {
  return platform.length <= 128 && gemPlatform.test(platform);
}

export interface GemFacts {
  name: string;
  version: string;
  /** The platform of a pre-built gem; "ruby" (the pure-Ruby default) is the same as none. */
  platform?: string;
  licenses?: string[];
  hashes?: PackageHash[];
  metadata?: PackageMetadata;
}

/** The package for a gem whose name, version and platform were checked with the functions above. */
export function gemPackage(facts: GemFacts): ParsedPackage {
  const platform = facts.platform && facts.platform !== 'ruby' ? facts.platform : undefined;
  const metadata: PackageMetadata = { ...(platform ? { platform } : {}), ...facts.metadata };
  return {
    name: facts.name,
    version: facts.version,
    type: 'gem',
    purl: buildPurl({ type: 'gem', name: facts.name, version: facts.version, qualifiers: { platform } }),
    ecosystem: 'RubyGems',
    ...(facts.licenses && facts.licenses.length > 0 ? { licenses: facts.licenses } : {}),
    ...(facts.hashes && facts.hashes.length > 0 ? { hashes: facts.hashes } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}
