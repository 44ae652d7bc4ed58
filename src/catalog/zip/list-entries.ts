/**
 * @module Lists the entries of a zip a cataloger wants, with the warnings every zip-based cataloger
 * gives alike: entries named outside the archive root, names repeated (the first of each is the
 * one read), and a listing cut short by damage or by the entry cap.
 */
import type { CatalogContext } from '../cataloger.js';
import type { RangedZip, ZipEntry } from './ranged-zip.js';

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
