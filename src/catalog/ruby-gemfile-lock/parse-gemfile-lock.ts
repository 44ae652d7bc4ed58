/**
 * @module Parses Bundler's Gemfile.lock (and gems.locked): the resolved gems listed under the
 * `specs:` of each GEM, GIT, PATH and PLUGIN SOURCE section, with the sha256 checksums of
 * Bundler 2.5's CHECKSUMS section.
 *
 * Layout, as Bundler writes it: a section header at column 0; the source's options ("remote:",
 * "revision:", "specs:") at 2 spaces; one resolved gem per line at 4 spaces, "name (version)" or
 * "name (version-platform)"; that gem's own dependencies at 6 spaces (requirements, not packages).
 * Bundler splits "1.15.4-x86_64-linux" at the first '-' (a gem version never contains one in the
 * lockfile); so do we.
 *
 * A Gemfile.lock does not say which gems are development-only: Gemfile groups are not recorded in
 * it. The Gemfile beside it does (see development.ts); the lock's DEPENDENCIES and each gem's own
 * dependencies (the 6-space lines) give the graph the groups are followed through.
 * @see https://bundler.io/guides/bundler_setup.html
 * @see https://github.com/rubygems/rubygems/blob/master/bundler/lib/bundler/lockfile_parser.rb
 */
import type { PackageHash, PackageMetadata, ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { developmentOnly } from './development.js';
import { gemPackage, isGemName, isGemPlatform, isGemVersion } from './gem-package.js';

/** Sections whose `specs:` list resolved gems, and the `source` they give them. */
const sourceSections: Record<string, string | undefined> = {
  GEM: undefined,
  GIT: 'git',
  PATH: 'path',
  'PLUGIN SOURCE': 'plugin',
};

/** Every section header Bundler writes; a file with none of them is not a Gemfile.lock. */
const knownHeaders = new Set([...Object.keys(sourceSections), 'PLATFORMS', 'DEPENDENCIES', 'RUBY VERSION', 'BUNDLED WITH', 'CHECKSUMS']);

/** "name (version[-platform])" with an optional tail (checksums); Bundler's own split. */
const specLine = /^(\S+) \(([^)\s-]*)(?:-([^)\s]*))?\)(.*)$/;

interface Section {
  header: string;
  /** Inside a source section's `specs:` block. */
  inSpecs: boolean;
  options: Map<string, string>;
}

export async function parseGemfileLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const lock = readGemfileLock(await file.text(), ctx);
  if (lock.packages.length === 0) return [];
  const development = await developmentOnly(file, lock, ctx);
  return lock.packages.map((pkg) => (development.has(pkg.name) ? { ...pkg, development: true } : pkg));
}

/** What a Gemfile.lock says: its gems, the Gemfile's dependencies, and what each gem depends on. */
export interface GemfileLock {
  packages: ParsedPackage[];
  /** DEPENDENCIES: the gems the Gemfile declares, by name. */
  dependencies: string[];
  /** Each resolved gem's own dependencies, by name. */
  requires: Map<string, Set<string>>;
}

/** Key of a gem in the CHECKSUMS section and among the specs. */
function gemKey(name: string, version: string, platform: string | undefined): string {
  return `${name} ${version} ${platform && platform !== 'ruby' ? platform : ''}`;
}

function sourceMetadata(section: Section): PackageMetadata {
  const source = Object.hasOwn(sourceSections, section.header) ? sourceSections[section.header] : undefined;
  if (!source) return {};
  const metadata: PackageMetadata = { source };
  const remote = section.options.get('remote');
  if (remote) metadata[source === 'path' ? 'path' : 'remote'] = remote;
  for (const key of ['revision', 'branch', 'tag', 'ref'] as const) {
    const value = section.options.get(key);
    if (value) metadata[key] = value;
  }
  return metadata;
}

/** "sha256=ab12…,sha512=…" → the SHA-256 (the one algorithm Bundler writes today). */
function readChecksums(tail: string): PackageHash[] {
  const hashes: PackageHash[] = [];
  for (const item of tail.trim().split(',')) {
    const match = /^sha256=([0-9a-fA-F]{64})$/.exec(item.trim());
    if (match) hashes.push({ algorithm: 'SHA-256', value: match[1]!.toLowerCase() });
  }
  return hashes;
}

export function parseGemfileLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  return readGemfileLock(text, ctx).packages;
}

export function readGemfileLock(text: string, ctx: CatalogContext): GemfileLock {
  const dependencies: string[] = [];
  const requires = new Map<string, Set<string>>();
  const none: GemfileLock = { packages: [], dependencies, requires };
  if (text.includes('\0')) {
    ctx.warn('UNREADABLE_LOCKFILE', 'not a Gemfile.lock: the file is binary');
    return none;
  }
  /** The gem whose dependency lines follow. */
  let gem: string | undefined;
  const byKey = new Map<string, ParsedPackage>();
  const checksums = new Map<string, PackageHash[]>();
  let section: Section | undefined;
  let sawHeader = false;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      const header = line.trimEnd();
      section = { header, inSpecs: false, options: new Map() };
      gem = undefined;
      if (knownHeaders.has(header)) sawHeader = true;
      continue;
    }
    if (!section) continue;
    if (section.header === 'DEPENDENCIES') {
      // "  rails (~> 7.0)", "  my_gem!" (from a git or path source).
      const name = /^ {2}([^\s!(]+)/.exec(line)?.[1];
      if (name && indent === 2) dependencies.push(name);
      continue;
    }
    if (section.header === 'CHECKSUMS') {
      if (indent !== 2) continue;
      const match = specLine.exec(line.slice(2));
      if (match) checksums.set(gemKey(match[1]!, match[2]!, match[3]), readChecksums(match[4]!));
      continue;
    }
    if (!Object.hasOwn(sourceSections, section.header)) continue;
    if (indent === 2) {
      const option = /^ {2}([a-z_]+):(?: (.*))?$/.exec(line);
      if (!option) continue;
      const [, key, value] = option;
      if (key === 'specs') section.inSpecs = true;
      // GEM may name several remotes; the first is kept.
      else if (value !== undefined && !section.options.has(key!)) section.options.set(key!, value.trim());
      continue;
    }
    if (!section.inSpecs) continue;
    if (indent === 6) {
      // A dependency of the gem above: "      activesupport (= 7.0.4)".
      const name = /^ {6}([^\s(]+)/.exec(line)?.[1];
      if (gem && name) requires.get(gem)!.add(name);
      continue;
    }
    gem = undefined;
    if (indent !== 4) continue;
    const body = line.slice(4).trimEnd();
    const match = specLine.exec(body);
    if (!match || match[4] !== '') {
      ctx.skip(`"${body.slice(0, 120)}" is not "name (version)"`);
      continue;
    }
    const [, name, version, platform] = match;
    if (!isGemName(name!) || !isGemVersion(version!) || (platform !== undefined && !isGemPlatform(platform))) {
      ctx.skip(`"${body.slice(0, 120)}" has an invalid name, version or platform`);
      continue;
    }
    gem = name!;
    if (!requires.has(gem)) requires.set(gem, new Set());
    const key = gemKey(name!, version!, platform);
    if (byKey.has(key)) continue;
    byKey.set(key, gemPackage({ name: name!, version: version!, ...(platform ? { platform } : {}), metadata: sourceMetadata(section) }));
  }
  if (!sawHeader) {
    if (text.trim() !== '') ctx.warn('UNREADABLE_LOCKFILE', 'not a Gemfile.lock: no GEM, GIT, PATH, PLATFORMS or DEPENDENCIES section');
    return none;
  }
  for (const [key, pkg] of byKey) {
    const hashes = checksums.get(key);
    if (hashes && hashes.length > 0) pkg.hashes = hashes;
  }
  return { packages: [...byKey.values()], dependencies, requires };
}
