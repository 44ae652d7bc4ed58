/**
 * Composer (Packagist) versions: normalised as Composer's VersionParser::normalize does, then
 * ordered as its Comparator does, which is PHP's version_compare on the normalised strings.
 * @see https://getcomposer.org/doc/articles/versions.md
 * @see https://www.php.net/manual/en/function.version-compare.php
 */
import { compareDigits, compareStrings, isDigit, parsed, rejected, schemeFunctions, type ParseResult, type VersionScheme } from './scheme.js';

export interface ComposerVersion {
  /** VersionParser::normalize's answer: '1.2.0.0', '1.0.0.0-beta2', '2.x-dev' style '2.9999999.9999999.9999999-dev', 'dev-main'. */
  normalized: string;
  /** A 'dev-<name>' branch: no version number at all. */
  branch: boolean;
}

// VersionParser's stability modifier: [._-]?(stability)(number)?, then an optional dev marker.
const MODIFIER = String.raw`[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?`;
const CLASSICAL = new RegExp(String.raw`^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?${MODIFIER}$`, 'i');
const DATE_BASED = new RegExp(String.raw`^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})${MODIFIER}$`, 'i');
const NUMERIC_BRANCH = /^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$/;

const STABILITY: Record<string, string> = { a: 'alpha', alpha: 'alpha', b: 'beta', beta: 'beta', p: 'patch', pl: 'patch', patch: 'patch', rc: 'RC' };

/** Appends the stability suffix the way normalize() does, or reports a plain stable version. */
function withModifier(version: string, stability: string | undefined, number: string | undefined, dev: string | undefined): string {
  let result = version;
  if (stability) {
    if (stability === 'stable') return result;
    result += `-${STABILITY[stability.toLowerCase()] ?? stability.toLowerCase()}${(number ?? '').replace(/^[.-]+/, '')}`;
  }
  if (dev) result += '-dev';
  return result;
}

function normalize(input: string): string | undefined {
  let version = input.trim();
  // 'as' aliases and '@stability' flags belong to constraints; normalize() drops them too.
  version = version.replace(/^(\S+) +as +\S+$/, '$1').replace(/@(?:stable|RC|beta|alpha|dev)$/i, '');
  if (['master', 'trunk', 'default'].includes(version)) version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-')) return version.length > 4 ? `dev-${version.slice(4)}` : undefined;
  // Build metadata is dropped.
  version = version.replace(/^([^,\s+]+)\+\S+$/, '$1');

  const classical = CLASSICAL.exec(version);
  if (classical) {
    const [, major, minor, patch, build, stability, number, dev] = classical;
    return withModifier(`${major}${minor || '.0'}${patch || '.0'}${build || '.0'}`, stability, number, dev);
  }
  const dated = DATE_BASED.exec(version);
  if (dated) {
    const [, date = '', stability, number, dev] = dated;
    return withModifier(date.replace(/\D/g, '.'), stability, number, dev);
  }
  // A numeric branch with '-dev' ('2.1.x-dev'): its x's become 9999999 so it sorts last in its line.
  const branch = /^(.*?)[.-]?dev$/i.exec(version);
  const numeric = branch ? NUMERIC_BRANCH.exec((branch[1] ?? '').trim()) : null;
  if (numeric) {
    const parts = [1, 2, 3, 4].map((i) => numeric[i]?.replace(/[*X]/, 'x') ?? '.x');
    return `${parts.join('').replaceAll('x', '9999999')}-dev`;
  }
  return undefined;
}

function readComposerVersion(version: string): ParseResult<ComposerVersion> {
  const normalized = normalize(version);
  if (normalized === undefined) return rejected('Composer\'s VersionParser cannot normalise it');
  return parsed({ normalized, branch: normalized.startsWith('dev-') });
}

/**
 * php_canonicalize_version: '-', '_' and '+' become '.', and a '.' is put between a digit
 * and a non-digit, so '1.0rc1' and '1.0.rc.1' read alike.
 */
function canonicalParts(version: string): string[] {
  let out = '';
  for (let i = 0; i < version.length; i++) {
    const c = version[i] as string;
    const previous = version[i - 1];
    const last = out[out.length - 1];
    if ('-_+'.includes(c) || !/[0-9A-Za-z.]/.test(c)) {
      if (out !== '' && last !== '.') out += '.';
    } else if (previous !== undefined && c !== '.' && previous !== '.' && isDigit(c) !== isDigit(previous)) {
      if (last !== '.') out += '.';
      out += c;
    } else {
      out += c;
    }
  }
  return out.split('.');
}

/** version_compare's ranks for words; '#' stands for any number. Unknown words rank lowest. */
const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0], ['alpha', 1], ['a', 1], ['beta', 2], ['b', 2], ['RC', 3], ['rc', 3], ['#', 4], ['pl', 5], ['p', 5],
];
function specialRank(form: string): number {
  // PHP matches by prefix: 'patch' ranks as 'p', 'beta2' as 'beta'.
  for (const [name, rank] of SPECIAL_FORMS) if (form.startsWith(name)) return rank;
  return -1;
}

function compareParts(a: string, b: string): number {
  const aNumber = isDigit(a[0]);
  const bNumber = isDigit(b[0]);
  if (aNumber && bNumber) return compareDigits(a, b);
  return Math.sign(specialRank(aNumber ? '#' : a) - specialRank(bNumber ? '#' : b));
}

/** PHP's version_compare on two canonical part lists. */
export function comparePhpVersions(a: string, b: string): number {
  const x = canonicalParts(a);
  const y = canonicalParts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = compareParts(x[i] as string, y[i] as string);
    if (order !== 0) return order;
  }
  // The longer one wins if it goes on with a number; if it goes on with a word, that word
  // is weighed against "#" (a number): '1.0-dev' < '1.0' < '1.0-patch1'.
  if (x.length > y.length) return isDigit(x[y.length]?.[0]) ? 1 : compareParts(x[y.length] as string, '#');
  if (y.length > x.length) return isDigit(y[x.length]?.[0]) ? -1 : compareParts('#', y[x.length] as string);
  return 0;
}

export function compareComposerVersions(a: ComposerVersion, b: ComposerVersion): number {
  const order = comparePhpVersions(a.normalized, b.normalized);
  // version_compare finds 'dev-foo' and 'dev-bar' equal; Composer only calls branches equal
  // when their names are, so break the tie by name to keep distinct branches distinct.
  if (order === 0 && a.branch && b.branch) return compareStrings(a.normalized, b.normalized);
  return order;
}

export const composer = {
  name: 'composer',
  ecosystems: ['Packagist'],
  ...schemeFunctions('composer', readComposerVersion, compareComposerVersions),
} satisfies VersionScheme<ComposerVersion>;
