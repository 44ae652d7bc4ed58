/**
 * @module Which gems of a Gemfile.lock only development needs. The lock lists every gem Bundler
 * resolved, for every group; the Gemfile beside it (gems.rb beside gems.locked) says which
 * groups each declared gem is in (see gemfile-groups.ts). A gem is development-only when only
 * gems declared in the `development` and `test` groups reach it, through the dependencies the
 * lock records: what `BUNDLE_WITHOUT=development:test`, the usual production install, leaves out.
 * A declared gem the Gemfile does not name literally (one `gemspec` or `eval_gemfile` brings in)
 * is taken as needed at run time, so nothing is marked development on a guess.
 * @see https://bundler.io/guides/groups.html
 */
import type { CatalogContext, CatalogFile } from '../cataloger.js';
import { readGemfileGroups } from './gemfile-groups.js';
import type { GemfileLock } from './parse-gemfile-lock.js';

/** The groups a production install leaves out, by the convention Rails and Heroku follow. */
const DEVELOPMENT_GROUPS = new Set(['development', 'test']);

/** The names of the lock's development-only gems; none when the Gemfile cannot be read. */
export async function developmentOnly(file: CatalogFile, lock: GemfileLock, ctx: CatalogContext): Promise<Set<string>> {
  const gemfileName = file.path.endsWith('gems.locked') ? 'gems.rb' : 'Gemfile';
  let text: string;
  try {
    const gemfile = await file.open(gemfileName);
    if (!gemfile) return new Set(); // a lock alone: which gems development needs is not known
    text = await gemfile.text();
  } catch {
    ctx.warn('UNREADABLE_PROJECT', `the ${gemfileName} beside ${file.path} cannot be read: which gems only development needs is not known`);
    return new Set();
  }
  const groups = readGemfileGroups(text);
  if (!(groups instanceof Map)) {
    ctx.warn('UNREADABLE_PROJECT', `the ${gemfileName} beside ${file.path} cannot be followed (${groups.unreadable}): which gems only development needs is not known`);
    return new Set();
  }
  return developmentOnlyByReach(lock, groups);
}

export function developmentOnlyByReach(lock: GemfileLock, groups: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const runtime = new Set<string>();
  const pending = lock.dependencies.filter((name) => {
    const declared = groups.get(name);
    return !declared || [...declared].some((group) => !DEVELOPMENT_GROUPS.has(group));
  });
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (runtime.has(name)) continue;
    runtime.add(name);
    for (const dependency of lock.requires.get(name) ?? []) pending.push(dependency);
  }
  return new Set(lock.packages.map((p) => p.name).filter((name) => !runtime.has(name)));
}
