/**
 * @module The path patterns catalogers declare: matching a path against them, and finding the
 * files they name in a FileTree.
 */
import type { FileRef, FileTree } from '../source/file-tree.js';
import { joinTreePath, treePathSegments } from '../source/tree-path.js';

function segmentToRegex(segment: string): string {
  return segment
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
}

/**
 * Whether a pattern a project file gives (workspace folders, say) is relative to its folder and
 * stays inside it, with no syntax findFiles does not follow: `*` and `**` only, no `?`, classes,
 * braces or negations, no "..", not absolute.
 */
export function isRelativeFolderPattern(pattern: string): boolean {
  return pattern !== '' && !pattern.startsWith('/') && !pattern.split('/').includes('..') && !/[?[\]{}!]/.test(pattern);
}

/** A regular expression matching the absolute paths a pattern names. */
export function patternToRegex(pattern: string): RegExp {
  const segments = treePathSegments(pattern);
  let source = '^';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '**') source += i === segments.length - 1 ? '(?:/.*)?' : '(?:/[^/]+)*';
    else source += '/' + segmentToRegex(segment);
  }
  return new RegExp(source + '$');
}

/**
 * Whether a file name matches one of the patterns' last segments: the answer matching each as a
 * regular expression gives, found faster. Literal names are looked up in a set, "*<suffix>"
 * segments (nearly all the rest) through the name's extension, and only the few others are
 * matched as regular expressions. A walk tests every file name of a tree, and most match nothing.
 */
function compileNameTest(segments: readonly string[]): (name: string) => boolean {
  const literal = new Set<string>();
  /** Suffixes by the extension they end with ("" for a suffix without a dot). */
  const suffixes = new Map<string, string[]>();
  const others: string[] = [];
  for (const segment of segments) {
    const star = segment.indexOf('*');
    if (star === -1) {
      literal.add(segment);
    } else if (star === 0 && segment.indexOf('*', 1) === -1) {
      const suffix = segment.slice(1);
      const dot = suffix.lastIndexOf('.');
      const extension = dot === -1 ? '' : suffix.slice(dot);
      suffixes.set(extension, [...(suffixes.get(extension) ?? []), suffix]);
    } else {
      others.push(`^${segmentToRegex(segment)}$`);
    }
  }
  const other = others.length > 0 ? new RegExp(others.join('|')) : undefined;
  const undotted = suffixes.get('') ?? [];
  return (name) => {
    if (literal.has(name)) return true;
    const dot = name.lastIndexOf('.');
    const candidates = dot === -1 ? undefined : suffixes.get(name.slice(dot));
    if (candidates?.some((suffix) => name.endsWith(suffix))) return true;
    if (undotted.some((suffix) => name.endsWith(suffix))) return true;
    return other !== undefined && other.test(name);
  };
}

/**
 * One predicate for the union of many patterns. A walk tests every file of a tree, so the file
 * name is tested first against the patterns' last segments (a set lookup or two for most names);
 * only names that can match are tested in full.
 */
export function compilePatterns(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  const full = new RegExp(patterns.map((p) => patternToRegex(p).source).join('|'));
  const lastSegments = patterns.map((p) => treePathSegments(p).at(-1) ?? '');
  if (lastSegments.some((segment) => segment === '**' || segment === '')) return (path) => full.test(path);
  const nameMatches = compileNameTest(lastSegments);
  return (path) => nameMatches(path.slice(path.lastIndexOf('/') + 1)) && full.test(path);
}

/** Most directory entries a `**` search visits, so a pattern cannot make a walk unbounded. */
const MAX_RECURSIVE_ENTRIES = 1_000_000;

/**
 * The regular files a pattern names in a tree, each once (by its path after links), in a stable
 * order. Literal segments are looked up directly, `*` lists one directory, `**` walks below it.
 */
export async function findFiles(tree: FileTree, pattern: string): Promise<FileRef[]> {
  const segments = treePathSegments(pattern);
  const found: FileRef[] = [];
  let visited = 0;

  async function expand(dir: string, index: number): Promise<void> {
    if (index === segments.length) return;
    const segment = segments[index]!;
    const last = index === segments.length - 1;
    if (segment === '**') {
      await expand(dir, index + 1);
      const entries = await tree.readDir(dir);
      for (const entry of entries ?? []) {
        if (entry.kind !== 'directory' || ++visited > MAX_RECURSIVE_ENTRIES) continue;
        await expand(joinTreePath(dir, entry.name), index);
      }
      return;
    }
    if (!segment.includes('*')) {
      const path = joinTreePath(dir, segment);
      if (last) {
        const file = await tree.lookup(path);
        if (file) found.push(file);
      } else {
        await expand(path, index + 1);
      }
      return;
    }
    const regex = new RegExp(`^${segmentToRegex(segment)}$`);
    const entries = await tree.readDir(dir);
    const names = (entries ?? []).filter((entry) => regex.test(entry.name)).map((entry) => entry.name).sort();
    for (const name of names) {
      const path = joinTreePath(dir, name);
      if (last) {
        const file = await tree.lookup(path);
        if (file) found.push(file);
      } else {
        await expand(path, index + 1);
      }
    }
  }

  await expand('/', 0);
  return found;
}
