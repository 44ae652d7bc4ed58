/** @module Paths inside a target: always absolute, '/'-separated, never above the target root. */

/** Splits a path into its segments, dropping '.', empty segments and any '..' that would climb above the root. */
export function treePathSegments(path: string): string[] {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return out;
}

/** The canonical form of a path inside a target: "/a/b", or "/" for the root. */
export function normalizeTreePath(path: string): string {
  return '/' + treePathSegments(path).join('/');
}

export function joinTreePath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}
