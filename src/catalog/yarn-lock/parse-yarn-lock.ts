/**
 * @module Parses yarn.lock: the classic (v1) format with its own syntax, and the YAML lockfile
 * of Yarn 2 and later ("Berry", told apart by its `__metadata` entry).
 * @see https://classic.yarnpkg.com/lang/en/docs/yarn-lock/
 * @see https://yarnpkg.com/protocols
 */
import { parse as parseYaml } from 'yaml';
import type { ParsedPackage } from '../../model/package.js';
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { developmentOnly } from './development.js';
import {
  isNpmName,
  isRecord,
  isRecordedVersion,
  NpmPackageSet,
  npmPackage,
  splitNameAtSpec,
} from '../npm-lockfile/npm-package.js';

/** Protocols whose entries are folders of the project, not packages Yarn fetched. */
const localProtocols = /^(workspace|link|portal):/;

/** One classic entry: its header specifiers, its top-level fields and its dependencies. */
interface ClassicEntry {
  line: number;
  specifiers: string[];
  fields: Map<string, string>;
  /** "name@range" for each line of its dependencies and optionalDependencies blocks. */
  dependencies: string[];
}

/** The blocks of a classic entry whose lines are edges of the dependency graph. */
const CLASSIC_DEPENDENCY_BLOCKS = new Set(['dependencies', 'optionalDependencies']);

/** One entry of either format, as the packages and the development marks need it. */
export interface YarnLockEntry {
  /** The descriptors its header lists: "a@^1", "a@npm:^1.2.0". */
  descriptors: string[];
  /** The descriptors of what it depends on, optional dependencies included. */
  dependencies: string[];
  /** The package it locks; absent for a workspace, link or portal, and for an entry skipped as malformed. */
  pkg?: ParsedPackage;
  /** For a Berry workspace entry: its folder, relative to the lockfile's ("." for the root). */
  workspace?: string;
}

/** Reads a quoted string starting at `text[start] === '"'`; returns the value and the index after it. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      const next = text[++i]!;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else {
      value += c;
    }
  }
  return undefined;
}

/** Splits a line into tokens: quoted strings, bare words, and the separators ',' and ':' at word ends. */
function tokenize(text: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '"') {
      const quoted = readQuoted(text, i);
      if (!quoted) return undefined;
      tokens.push(quoted.value);
      i = quoted.end;
      if (text[i] === ':' || text[i] === ',') tokens.push(text[i++]!);
    } else if (c === ',') {
      tokens.push(',');
      i++;
    } else {
      let j = i;
      while (j < text.length && text[j] !== ' ' && text[j] !== '\t' && text[j] !== ',') j++;
      let word = text.slice(i, j);
      const separator = word.endsWith(':') && (j === text.length || text[j] !== ',') ? ':' : undefined;
      if (separator) word = word.slice(0, -1);
      if (word) tokens.push(word);
      if (separator) tokens.push(separator);
      i = j;
    }
  }
  return tokens;
}

/** Header "a@^1, "@s/b@npm:^2":" → ['a@^1', '@s/b@npm:^2']; undefined when it is not one. */
function readHeader(line: string): string[] | undefined {
  const tokens = tokenize(line);
  if (!tokens || tokens.at(-1) !== ':') return undefined;
  const specifiers: string[] = [];
  let expectSpecifier = true;
  for (const token of tokens.slice(0, -1)) {
    if (token === ',') {
      if (expectSpecifier) return undefined;
      expectSpecifier = true;
    } else {
      if (!expectSpecifier || token === ':') return undefined;
      specifiers.push(token);
      expectSpecifier = false;
    }
  }
  return specifiers.length > 0 && !expectSpecifier ? specifiers : undefined;
}

function readClassicEntries(text: string, ctx: CatalogContext): ClassicEntry[] {
  const entries: ClassicEntry[] = [];
  let current: ClassicEntry | undefined;
  let fieldIndent: number | undefined;
  /** The dependency block the lines being read belong to. */
  let block: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    if (indent === 0) {
      const specifiers = readHeader(trimmed);
      if (!specifiers) {
        ctx.skip(`line ${n + 1}: not an entry header: ${trimmed.slice(0, 80)}`);
        current = undefined;
        continue;
      }
      current = { line: n + 1, specifiers, fields: new Map(), dependencies: [] };
      fieldIndent = undefined;
      block = undefined;
      entries.push(current);
      continue;
    }
    if (!current) continue; // the body of a header already reported
    fieldIndent ??= indent;
    const tokens = tokenize(trimmed);
    if (!tokens || tokens.length === 0) continue;
    const [key, value] = tokens;
    if (indent !== fieldIndent) {
      // A line of a nested block: "name range" in dependencies and optionalDependencies.
      if (indent > fieldIndent && block && tokens.length === 2 && key !== undefined && value !== undefined && value !== ':') current.dependencies.push(`${key}@${value}`);
      continue;
    }
    block = tokens.length === 2 && value === ':' && CLASSIC_DEPENDENCY_BLOCKS.has(key!) ? key : undefined;
    if (tokens.length === 2 && key !== undefined && value !== undefined && value !== ':') current.fields.set(key, value);
  }
  return entries;
}

/**
 * The real name behind a specifier: "a@^1" → a, "alias@npm:real@^1" → real,
 * "@s/a@npm:^1" → @s/a. Undefined when it names no package.
 */
export function nameFromSpecifier(specifier: string): { name: string; range: string } | undefined {
  const split = splitNameAtSpec(specifier);
  if (!split) return isNpmName(specifier) ? { name: specifier, range: '' } : undefined;
  if (!isNpmName(split.name)) return undefined;
  if (split.spec.startsWith('npm:')) {
    const aliased = splitNameAtSpec(split.spec.slice(4));
    if (aliased && isNpmName(aliased.name)) return { name: aliased.name, range: `npm:${aliased.spec}` };
  }
  return { name: split.name, range: split.spec };
}

function readClassicYarnLock(text: string, ctx: CatalogContext): YarnLockEntry[] {
  return readClassicEntries(text, ctx).map((entry) => {
    const read: YarnLockEntry = { descriptors: entry.specifiers, dependencies: entry.dependencies };
    const first = nameFromSpecifier(entry.specifiers[0]!);
    if (!first) {
      ctx.skip(`line ${entry.line}: no package name in "${entry.specifiers[0]}"`);
      return read;
    }
    if (entry.specifiers.every((s) => localProtocols.test(nameFromSpecifier(s)?.range ?? ''))) return read;
    const version = entry.fields.get('version');
    if (!isRecordedVersion(version)) {
      ctx.skip(`line ${entry.line}: ${first.name} has no version`);
      return read;
    }
    const alias = splitNameAtSpec(entry.specifiers[0]!)?.name;
    read.pkg = npmPackage({
      name: first.name,
      version,
      metadata: {
        resolved: entry.fields.get('resolved') ?? '',
        integrity: entry.fields.get('integrity') ?? '',
        ...(alias && alias !== first.name ? { alias } : {}),
      },
    });
    return read;
  });
}

/**
 * The package a Berry `resolution` names: "a@npm:1.2.3", "@s/a@https://…#commit=…";
 * a patch: resolution stands for the package it patches.
 */
export function readBerryResolution(resolution: string): { name: string; reference: string } | undefined {
  const split = splitNameAtSpec(resolution);
  if (!split || !isNpmName(split.name)) return undefined;
  if (split.spec.startsWith('patch:')) {
    const base = split.spec.slice('patch:'.length).split('#')[0]!;
    let decoded: string;
    try {
      decoded = decodeURIComponent(base);
    } catch {
      return undefined;
    }
    return readBerryResolution(decoded);
  }
  return { name: split.name, reference: split.spec };
}

/** "name@range" for each dependency a Berry entry lists. */
function berryDependencies(entry: Record<string, unknown>): string[] {
  const descriptors: string[] = [];
  for (const field of ['dependencies', 'optionalDependencies']) {
    const block = entry[field];
    if (!isRecord(block)) continue;
    for (const [name, range] of Object.entries(block)) if (typeof range === 'string') descriptors.push(`${name}@${range}`);
  }
  return descriptors;
}

function readBerryYarnLock(text: string, ctx: CatalogContext): YarnLockEntry[] {
  let document: unknown;
  try {
    // failsafe: every scalar stays a string, so "version: 1.10" is not read as a number.
    document = parseYaml(text, { schema: 'failsafe', uniqueKeys: false, maxAliasCount: 100, logLevel: 'error' });
  } catch (error) {
    ctx.warn('UNREADABLE_LOCKFILE', `not valid YAML: ${(error as Error).message}`);
    return [];
  }
  if (document === null || document === undefined) return [];
  if (!isRecord(document)) {
    ctx.warn('UNREADABLE_LOCKFILE', 'not a yarn lockfile: the top level is not a mapping');
    return [];
  }
  const entries: YarnLockEntry[] = [];
  for (const [key, entry] of Object.entries(document)) {
    if (key === '__metadata') continue;
    if (!isRecord(entry)) {
      ctx.skip(`"${key}" is not a mapping`);
      continue;
    }
    const read: YarnLockEntry = { descriptors: key.split(',').map((descriptor) => descriptor.trim()), dependencies: berryDependencies(entry) };
    entries.push(read);
    const resolution = typeof entry.resolution === 'string' ? readBerryResolution(entry.resolution) : undefined;
    if (!resolution) {
      ctx.skip(`"${key}" has no usable resolution`);
      continue;
    }
    if (resolution.reference.startsWith('workspace:')) read.workspace = resolution.reference.slice('workspace:'.length);
    if (localProtocols.test(resolution.reference)) continue;
    const version = entry.version;
    if (!isRecordedVersion(version)) {
      ctx.skip(`"${key}" has no version`);
      continue;
    }
    const declared = splitNameAtSpec(read.descriptors[0]!)?.name;
    read.pkg = npmPackage({
      name: resolution.name,
      version,
      metadata: {
        resolution: entry.resolution as string,
        checksum: typeof entry.checksum === 'string' ? entry.checksum : '',
        ...(declared && declared !== resolution.name ? { alias: declared } : {}),
      },
    });
  }
  return entries;
}

/** Berry lockfiles are YAML with a `__metadata` entry; everything else is read as the classic format. */
export function isBerryYarnLock(text: string): boolean {
  return /^"?__metadata"?:/m.test(text);
}

/** The lockfile's entries, in either format. */
export function readYarnLock(text: string, ctx: CatalogContext): YarnLockEntry[] {
  const clean = text.replace(/^\uFEFF/, '');
  return isBerryYarnLock(clean) ? readBerryYarnLock(clean, ctx) : readClassicYarnLock(clean, ctx);
}

/** One package per purl, development-only where `development` names its purl. */
export function lockedPackages(entries: readonly YarnLockEntry[], development: ReadonlySet<string> = new Set()): ParsedPackage[] {
  const set = new NpmPackageSet();
  for (const { pkg } of entries) if (pkg) set.add(development.has(pkg.purl) ? { ...pkg, development: true } : pkg);
  return set.list();
}

/** The lockfile's packages, unmarked: the lockfile alone does not say which are development-only. */
export function parseYarnLockText(text: string, ctx: CatalogContext): ParsedPackage[] {
  return lockedPackages(readYarnLock(text, ctx));
}

export async function parseYarnLock(file: CatalogFile, ctx: CatalogContext): Promise<ParsedPackage[]> {
  const entries = readYarnLock(await file.text(), ctx);
  return lockedPackages(entries, await developmentOnly(file, entries, ctx));
}
