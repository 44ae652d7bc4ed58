/**
 * Maven versions, ordered as Maven's ComparableVersion: a tree of numbers and qualifiers split
 * at '.', '-' and digit/letter changes, with trailing zeros and release qualifiers trimmed.
 *
 * This is ComparableVersion as of Maven 3.8, the order OSV.dev and osv-scalibr evaluate Maven
 * ranges with. Maven 3.9 (MNG-7644) moved '.qualifier' into its own list and Maven 4 adds
 * combination items; both change answers for versions like '2.9.0.RC1' vs '2.9.0-1'.
 * Like every one of these, it is not transitive on some contrived mixes of a dotted unknown
 * qualifier and a letter-attached pre-release ('1.sec10' < '1alpha' < '1' < '1.sec10').
 * @see https://maven.apache.org/pom.html#version-order-specification
 */
import {
  compareDigits,
  compareStrings,
  isDigit,
  parsed,
  rejected,
  schemeFunctions,
  type ParseResult,
  type VersionScheme,
} from './scheme.js';

/** A number, a qualifier, or a sub-list (what follows a '-' or a digit/letter change). */
export type MavenItem =
  | { kind: 'number'; digits: string }
  | { kind: 'qualifier'; name: string }
  | { kind: 'list'; items: MavenItem[] };

export interface MavenVersion {
  items: MavenItem[];
}

/** Known qualifiers in ascending order; '' is the release itself. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_ALIASES = new Set(['ga', 'final', 'release']);
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));

/**
 * The string ComparableVersion sorts a qualifier by: its rank among the known ones, or for an
 * unknown qualifier "7-<name>", which puts all of them after 'sp' in alphabetical order.
 */
function qualifierRank(name: string): string {
  if (RELEASE_ALIASES.has(name)) return RELEASE_RANK;
  const index = QUALIFIERS.indexOf(name);
  return index === -1 ? `${QUALIFIERS.length}-${name}` : String(index);
}

function qualifier(text: string, followedByDigit: boolean): MavenItem {
  let name = text;
  // 'a1', 'b2', 'm3' are shorthands, but only right before a number.
  if (followedByDigit && name.length === 1) {
    name = { a: 'alpha', b: 'beta', m: 'milestone' }[name] ?? name;
  }
  return { kind: 'qualifier', name: name === 'cr' ? 'rc' : name };
}

function item(text: string, numeric: boolean): MavenItem {
  return numeric ? { kind: 'number', digits: text.replace(/^0+(?=.)/, '') } : qualifier(text, false);
}

function isNull(it: MavenItem): boolean {
  switch (it.kind) {
    case 'number':
      return it.digits === '0';
    case 'qualifier':
      return qualifierRank(it.name) === RELEASE_RANK;
    case 'list':
      return it.items.length === 0;
  }
}

/** Drops trailing null items, stopping at the last sub-list: '1.0.0' is '1', '1-ga' is '1'. */
function trim(items: MavenItem[]): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const last = items[i] as MavenItem;
    if (isNull(last)) items.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

// Maven accepts any string as a version; these characters only appear in what is not one
// (ranges like "[1.0,2.0)", unresolved "${project.version}", stray blanks).
const NOT_IN_VERSIONS = /[\s[\](),${}]|\p{Cc}/u;

function readMavenVersion(version: string): ParseResult<MavenVersion> {
  if (version === '') return rejected('version string is empty');
  const bad = NOT_IN_VERSIONS.exec(version);
  if (bad) return rejected(`${JSON.stringify(bad[0])} does not belong in a version (a range or a property?)`);

  const text = version.toLowerCase();
  const root: MavenItem[] = [];
  const lists: MavenItem[][] = [root];
  let list = root;
  const open = (): void => {
    const sub: MavenItem[] = [];
    list.push({ kind: 'list', items: sub });
    lists.push(sub);
    list = sub;
  };

  let numeric = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '.' || c === '-') {
      // An empty part ('1..2', '-1') counts as 0.
      list.push(i === start ? { kind: 'number', digits: '0' } : item(text.slice(start, i), numeric));
      start = i + 1;
      if (c === '-') open();
    } else if (isDigit(c)) {
      if (!numeric && i > start) {
        list.push(qualifier(text.slice(start, i), true));
        start = i;
        open();
      }
      numeric = true;
    } else {
      if (numeric && i > start) {
        list.push(item(text.slice(start, i), true));
        start = i;
        open();
      }
      numeric = false;
    }
  }
  if (text.length > start) list.push(item(text.slice(start), numeric));
  // Trim innermost lists first, as ComparableVersion pops its stack.
  for (let i = lists.length - 1; i >= 0; i--) trim(lists[i] as MavenItem[]);
  return parsed({ items: root });
}

/** ComparableVersion's Item.compareTo, with undefined for "nothing left on this side". */
function compareItems(a: MavenItem | undefined, b: MavenItem | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);
  switch (a.kind) {
    case 'number':
      if (b === undefined) return a.digits === '0' ? 0 : 1;
      return b.kind === 'number' ? compareDigits(a.digits, b.digits) : 1;
    case 'qualifier':
      if (b === undefined) return compareStrings(qualifierRank(a.name), RELEASE_RANK);
      return b.kind === 'qualifier' ? compareStrings(qualifierRank(a.name), qualifierRank(b.name)) : -1;
    case 'list':
      if (b === undefined) {
        for (const it of a.items) {
          const order = compareItems(it, undefined);
          if (order !== 0) return order;
        }
        return 0;
      }
      if (b.kind === 'number') return -1;
      if (b.kind === 'qualifier') return 1;
      return compareLists(a.items, b.items);
  }
}

function compareLists(a: MavenItem[], b: MavenItem[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const order = compareItems(a[i], b[i]);
    if (order !== 0) return order;
  }
  return 0;
}

export function compareMavenVersions(a: MavenVersion, b: MavenVersion): number {
  return compareLists(a.items, b.items);
}

export const maven = {
  name: 'maven',
  ecosystems: ['Maven'],
  ...schemeFunctions('maven', readMavenVersion, compareMavenVersions),
} satisfies VersionScheme<MavenVersion>;
