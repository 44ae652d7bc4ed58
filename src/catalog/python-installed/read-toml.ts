/**
 * @module TOML lockfiles (poetry.lock, pdm.lock, uv.lock) read the same way: an empty file is an
 * empty lock, text that is not TOML is one warning, and `[[package]]` must be an array of tables.
 * @see https://toml.io/en/v1.0.0
 */
import { parse as parseToml } from 'smol-toml';
import type { CatalogContext } from '../cataloger.js';
import { isRecord, withoutBom } from './pypi-package.js';

/** A TOML document (a leading byte-order mark dropped), or why it is not one: the parser's first line. */
export function parseTomlText(text: string): { doc: unknown } | { reason: string } {
  try {
    return { doc: parseToml(withoutBom(text)) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

/** The document and its `package` array; undefined when the file is unreadable (already warned). */
export function readTomlLock(text: string, ctx: CatalogContext, what: string): { doc: Record<string, unknown>; packages: unknown[] } | undefined {
  if (withoutBom(text).trim() === '') return { doc: {}, packages: [] };
  const parsed = parseTomlText(text);
  if ('reason' in parsed) {
    ctx.warn('UNREADABLE_LOCKFILE', `${what} is not TOML: ${parsed.reason}`);
    return undefined;
  }
  const { doc } = parsed;
  if (!isRecord(doc)) {
    ctx.warn('UNREADABLE_LOCKFILE', `${what} is not a TOML table`);
    return undefined;
  }
  const packages = doc.package;
  if (packages === undefined) return { doc, packages: [] };
  if (!Array.isArray(packages)) {
    ctx.warn('UNREADABLE_LOCKFILE', `${what} has a "package" that is not an array of tables`);
    return undefined;
  }
  return { doc, packages };
}

/** An entry's name and version, or a skip saying what is wrong with it. */
export function readNameAndVersion(
  entry: unknown,
  where: string,
  ctx: CatalogContext,
  isName: (name: string) => boolean,
  isVersion: (version: string) => boolean,
): { entry: Record<string, unknown>; name: string; version: string } | undefined {
  if (!isRecord(entry)) {
    ctx.skip(`${where} is not a table`);
    return undefined;
  }
  const { name, version } = entry;
  if (typeof name !== 'string' || !isName(name)) {
    ctx.skip(`${where} has no valid name`);
    return undefined;
  }
  if (typeof version !== 'string' || !isVersion(version)) {
    ctx.skip(`${where} (${name}) has no valid version`);
    return undefined;
  }
  return { entry, name, version };
}

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}
