/**
 * @module The walk that finds catalogers' files: one pass over a tree for every cataloger, each
 * file tested against the union of the `**` patterns first (most files match none), then against
 * each cataloger's own; files no pattern names are offered to the content sniffs. Run by the
 * catalog driver, or by its walking worker (walk-worker.ts) while the driver parses what the
 * walk has found so far.
 */
import type { FileTree, WalkEntry } from '../source/file-tree.js';
import { normalizeTreePath } from '../source/tree-path.js';
import type { Cataloger } from './cataloger.js';
import { compilePatterns } from './patterns.js';

export type Sniff = NonNullable<Cataloger['sniff']>;

export function isWalkPattern(pattern: string): boolean {
  return pattern.includes('**');
}

/** Drops roots that lie inside another root, so no directory is walked twice. */
export function outermostRoots(roots: readonly string[]): string[] {
  const normalized = [...new Set(roots.map(normalizeTreePath))].sort();
  return normalized.filter((root) => !normalized.some((other) => other !== root && (other === '/' || root.startsWith(`${other}/`))));
}

export interface CandidateSink {
  /** A file the `**` patterns of pattern set `index` name. */
  named(index: number, entry: WalkEntry): void;
  /** A file no pattern names that sniff `index` would open. */
  sniffed(index: number, entry: WalkEntry): void;
}

/**
 * Walks `roots` of the tree once, telling `sink` about every file that one of `patternSets` (each
 * a cataloger's `**` patterns) names, in walk order, and about every other file a sniff would open.
 */
export async function walkCandidates(
  tree: FileTree,
  roots: readonly string[],
  patternSets: readonly (readonly string[])[],
  sniffs: readonly Sniff[],
  crossMounts: boolean,
  sink: CandidateSink,
): Promise<void> {
  const matchers = patternSets.map((patterns) => compilePatterns(patterns));
  const any = compilePatterns(patternSets.flat());
  for (const root of outermostRoots(roots)) {
    await tree.walk(
      root,
      (entry) => {
        if (entry.kind !== 'file') return;
        let matched = false;
        if (any(entry.path)) {
          for (let i = 0; i < matchers.length; i++) {
            if (!matchers[i]!(entry.path)) continue;
            matched = true;
            sink.named(i, entry);
          }
        }
        if (matched) return;
        for (let i = 0; i < sniffs.length; i++) if (sniffs[i]!.candidate(entry)) sink.sniffed(i, entry);
      },
      crossMounts ? { crossMounts: true } : {},
    );
  }
}
