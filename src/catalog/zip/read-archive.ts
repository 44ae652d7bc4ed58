/**
 * @module What every zip-based cataloger does alike, with the same warnings: open the archive,
 * list the entries it wants (entries named outside the archive root and repeated names set aside,
 * the first of each name kept; a listing cut short by damage or by the entry cap said), and read
 * one entry.
 */
import type { CatalogContext } from '../cataloger.js';
import type { RandomAccessBytes } from '../random-access-bytes.js';
import { RangedZip, ZipFormatError, type ZipEntry } from './ranged-zip.js';

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * The archive `bytes` hold; undefined, with a warning that `display` is not a readable `kind`
 * ("wheel", "NuGet package"), when they are not a zip. Errors reading the bytes go on as they are.
 */
export async function openArchive(bytes: RandomAccessBytes, display: string, kind: string, ctx: CatalogContext): Promise<RangedZip | undefined> {
  try {
    return await RangedZip.open(bytes);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    ctx.warn('UNREADABLE_ARCHIVE', `${display} is not a readable ${kind}: ${firstLine(error)}`);
    return undefined;
  }
}

/** One entry's bytes (its declared size checked by the caller); undefined, with a warning, when it is damaged. */
export async function readArchiveEntry(zip: RangedZip, entry: ZipEntry, display: string, ctx: CatalogContext): Promise<Buffer | undefined> {
  try {
    return await zip.readEntry(entry);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    ctx.warn('ARCHIVE_ENTRY_UNREADABLE', `${display}: entry ${entry.name} cannot be read: ${firstLine(error)}`);
    return undefined;
  }
}

export async function listArchiveEntries(
  zip: RangedZip,
  /** How the archive is named in warnings ("/app/app.jar", "/app/app.jar!/lib/x.jar"). */
  display: string,
  ctx: CatalogContext,
  maxEntries: number,
  wanted: (name: string) => boolean,
  mayWant?: (bytes: Buffer, start: number, end: number) => boolean,
): Promise<ZipEntry[]> {
  const rejected = { unsafe: [] as string[], duplicate: [] as string[] };
  const { entries, problem } = await zip.listEntries(maxEntries, (reason, name) => void rejected[reason].push(name), wanted, mayWant);
  const count = (names: readonly string[]) => `${names.length} entr${names.length === 1 ? 'y' : 'ies'}`;
  if (rejected.unsafe.length > 0) {
    ctx.warn('UNSAFE_PATH', `${display}: ${count(rejected.unsafe)} named outside the archive root (first: ${rejected.unsafe[0]}) ignored`);
  }
  if (rejected.duplicate.length > 0) {
    ctx.warn('DUPLICATE_ENTRY', `${display}: ${count(rejected.duplicate)} named like an earlier one (first: ${rejected.duplicate[0]}); the first of each name was read`);
  }
  if (problem) ctx.warn(problem.code, `${display}: ${problem.message}`);
  return entries;
}
