/**
 * @module The Vigil facts an SPDX document carries in annotations, and their checked decoding.
 *
 * SPDX 2.3 has no field for a package's locations, layers, cataloger or metadata, nor for an
 * image's digests. Vigil writes them as one annotation per SPDX element, of type OTHER, annotated
 * by `Tool: vigil-<version>`, whose `comment` is a prefix, one space and a JSON object:
 *
 * - on the target package, `vigil:target {"target":…,"catalogers":[…],"warnings":[…],
 *   "tool":{"name","version"},"createdAt":"…"}` — the TargetDescription and inventory-level facts
 *   (createdAt keeps its sub-second precision, which SPDX's `created` cannot);
 * - on the operating-system package, `vigil:distro {…Distro}`;
 * - on every other package, `vigil:package {"type","foundBy","locations",["ecosystem"],["arch"],
 *   ["source"],["licenses"],["development"],["layer"],["metadata"]}` — the Package minus name,
 *   version, purl and hashes, which live in `name`, `versionInfo`, the purl external reference and
 *   `checksums`. `development` is written only when true (a DEV_DEPENDENCY_OF relationship says
 *   the same to other tools).
 *
 * The `comment` fields stay free for people. JSON has no NaN, ±Infinity or -0: a metadata value
 * NaN or ±Infinity is dropped and -0 reads back as 0 (catalogers record finite numbers).
 */
import type { Distro } from '../../model/distro.js';
import { isImageKind, type CatalogerRef, type Inventory, type TargetDescription } from '../../model/inventory.js';
import type { LayerRef, Location, Package, PackageMetadata } from '../../model/package.js';
import type { Warning } from '../../model/warning.js';
import { asRecord, asString, isRecord, type JsonRecord } from '../json.js';
import { isPackageType } from '../package-types.js';

export const factPrefix = { target: 'vigil:target ', distro: 'vigil:distro ', package: 'vigil:package ' } as const;

export interface TargetFacts {
  target: TargetDescription;
  catalogers: CatalogerRef[];
  warnings: Warning[];
  tool: Inventory['tool'];
  createdAt: string;
}

export type PackageFacts = Omit<Package, 'name' | 'version' | 'purl' | 'hashes'>;

export function encodeFacts(prefix: string, facts: object): string {
  return `${prefix}${JSON.stringify(facts)}`;
}

/** The JSON object after `prefix` in the first comment that starts with it. */
export function findFacts(comments: readonly string[], prefix: string): JsonRecord | undefined {
  for (const comment of comments) {
    if (!comment.startsWith(prefix)) continue;
    try {
      const parsed: unknown = JSON.parse(comment.slice(prefix.length));
      if (isRecord(parsed)) return parsed;
    } catch {
      // not ours after all
    }
  }
  return undefined;
}

const optionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === 'string';
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

function toLayer(value: unknown): LayerRef | undefined {
  const layer = asRecord(value);
  if (!layer || typeof layer.index !== 'number' || typeof layer.digest !== 'string' || !optionalString(layer.diffId)) return undefined;
  return { index: layer.index, digest: layer.digest, ...(layer.diffId !== undefined ? { diffId: layer.diffId } : {}) };
}

function toLocation(value: unknown): Location | undefined {
  const location = asRecord(value);
  const path = asString(location?.path);
  if (path === undefined) return undefined;
  const layer = toLayer(location?.layer);
  return { path, ...(layer ? { layer } : {}) };
}

function toMetadata(value: unknown): PackageMetadata | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const entries = Object.entries(record).filter(
    (entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]),
  );
  return Object.fromEntries(entries);
}

function defined<T>(items: (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

export function toPackageFacts(json: JsonRecord): PackageFacts | undefined {
  const type = asString(json.type);
  const foundBy = asString(json.foundBy);
  if (!isPackageType(type) || foundBy === undefined || !Array.isArray(json.locations)) return undefined;
  const source = asRecord(json.source);
  const layer = toLayer(json.layer);
  const metadata = toMetadata(json.metadata);
  const facts: PackageFacts = {
    type,
    ...(typeof json.ecosystem === 'string' ? { ecosystem: json.ecosystem } : {}),
    ...(typeof json.arch === 'string' ? { arch: json.arch } : {}),
    ...(source && typeof source.name === 'string'
      ? { source: { name: source.name, ...(typeof source.version === 'string' ? { version: source.version } : {}) } }
      : {}),
    ...(isStringArray(json.licenses) ? { licenses: json.licenses } : {}),
    ...(json.development === true ? { development: true } : {}),
    locations: defined(json.locations.map(toLocation)),
    ...(layer ? { layer } : {}),
    foundBy,
    ...(metadata ? { metadata } : {}),
  };
  return facts;
}

export function toDistro(json: JsonRecord): Distro | undefined {
  const { id, versionId, codename, idLike, name, prettyName, cpeName, source } = json;
  if (typeof id !== 'string' || typeof source !== 'string' || !isStringArray(idLike)) return undefined;
  if (![versionId, codename, name, prettyName, cpeName].every(optionalString)) return undefined;
  return {
    id,
    ...(typeof versionId === 'string' ? { versionId } : {}),
    ...(typeof codename === 'string' ? { codename } : {}),
    idLike,
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof prettyName === 'string' ? { prettyName } : {}),
    ...(typeof cpeName === 'string' ? { cpeName } : {}),
    source,
  };
}

function toTarget(value: unknown): TargetDescription | undefined {
  const target = asRecord(value);
  if (!target || typeof target.name !== 'string' || typeof target.path !== 'string') return undefined;
  const { kind, name, path } = target;
  if (kind === 'directory') return { kind, name, path };
  if (!isImageKind(kind)) return undefined;
  const platform = asRecord(target.platform);
  if (
    typeof target.manifestDigest !== 'string' ||
    typeof target.imageId !== 'string' ||
    !platform ||
    typeof platform.os !== 'string' ||
    typeof platform.architecture !== 'string' ||
    !optionalString(platform.variant) ||
    !Array.isArray(target.layers) ||
    !isStringArray(target.tags)
  ) {
    return undefined;
  }
  return {
    kind,
    name,
    path,
    manifestDigest: target.manifestDigest,
    imageId: target.imageId,
    platform: {
      os: platform.os,
      architecture: platform.architecture,
      ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    },
    layers: defined(target.layers.map(toLayer)),
    tags: target.tags,
  };
}

function toWarning(value: unknown): Warning | undefined {
  const warning = asRecord(value);
  if (!warning || typeof warning.code !== 'string' || typeof warning.message !== 'string') return undefined;
  return {
    code: warning.code,
    message: warning.message,
    ...(typeof warning.path === 'string' ? { path: warning.path } : {}),
    ...(typeof warning.count === 'number' ? { count: warning.count } : {}),
  };
}

function toCataloger(value: unknown): CatalogerRef | undefined {
  const cataloger = asRecord(value);
  if (!cataloger || typeof cataloger.name !== 'string' || typeof cataloger.version !== 'number') return undefined;
  return { name: cataloger.name, version: cataloger.version };
}

export function toTargetFacts(json: JsonRecord): TargetFacts | undefined {
  const target = toTarget(json.target);
  const tool = asRecord(json.tool);
  if (!target || !tool || typeof tool.name !== 'string' || typeof tool.version !== 'string' || typeof json.createdAt !== 'string') {
    return undefined;
  }
  return {
    target,
    catalogers: Array.isArray(json.catalogers) ? defined(json.catalogers.map(toCataloger)) : [],
    warnings: Array.isArray(json.warnings) ? defined(json.warnings.map(toWarning)) : [],
    tool: { name: tool.name, version: tool.version },
    createdAt: json.createdAt,
  };
}
