/**
 * Alpine package versions, as apk-tools validates and orders them:
 * `digits{.digits}[letter]{_suffix[digits]}[~hash][-rN]`.
 * @see https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#pkgver
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

/**
 * Token kinds in the order apk-tools ranks them. When two versions agree up to the point
 * where one continues with a different kind of token, the lower kind is the newer version
 * (`1.2.1` > `1.2a` > `1.2_p1` > `1.2-r1` > `1.2`), except pre-release suffixes.
 */
const Kind = {
  InitialDigits: 0,
  Digits: 1,
  Letter: 2,
  Suffix: 3,
  SuffixNumber: 4,
  CommitHash: 5,
  Revision: 6,
  End: 7,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

/** Suffix ranks: the pre-release ones sort before the bare version, the rest after it. */
const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: -4,
  beta: -3,
  pre: -2,
  rc: -1,
  cvs: 1,
  svn: 2,
  git: 3,
  hg: 4,
  p: 5,
};

export interface ApkToken {
  kind: Kind;
  text: string;
  /** Suffix tokens only: their SUFFIX_RANK. */
  rank?: number;
}

export interface ApkVersion {
  tokens: ApkToken[];
}

// Reads one token at a time. Each branch checks the kind of the token before it, which is
// how apk-tools keeps the parts in their fixed order (no letter after a suffix, and so on).
function readApkVersion(version: string): ParseResult<ApkVersion> {
  const first = /^[0-9]+/.exec(version);
  if (!first) return rejected('must start with a digit');
  const tokens: ApkToken[] = [{ kind: Kind.InitialDigits, text: first[0] }];
  let last: Kind = Kind.InitialDigits;
  let at = first[0].length;

  while (at < version.length) {
    const c = version[at] ?? '';
    const rest = version.slice(at);
    let match: RegExpExecArray | null;
    if (c >= 'a' && c <= 'z' && last <= Kind.Digits) {
      tokens.push({ kind: Kind.Letter, text: c });
      last = Kind.Letter;
      at += 1;
    } else if (c === '.' && last <= Kind.Digits && (match = /^\.([0-9]+)/.exec(rest))) {
      tokens.push({ kind: Kind.Digits, text: match[1] ?? '' });
      last = Kind.Digits;
      at += match[0].length;
    } else if (isDigit(c) && last === Kind.Suffix && (match = /^[0-9]+/.exec(rest))) {
      tokens.push({ kind: Kind.SuffixNumber, text: match[0] });
      last = Kind.SuffixNumber;
      at += match[0].length;
    } else if (isDigit(c) && last === Kind.Letter && (match = /^[0-9]+/.exec(rest))) {
      // `5.7.1p1`: apk-tools up to 2.12 read digits after the letter as one more number, and
      // Alpine's security database still names such versions. apk-tools 2.14 refuses them; no
      // version it accepts looks like this, so reading them the old way changes no other order.
      tokens.push({ kind: Kind.Digits, text: match[0] });
      last = Kind.Digits;
      at += match[0].length;
    } else if (c === '_' && last <= Kind.SuffixNumber && (match = /^_([a-z]*)/.exec(rest))) {
      const name = match[1] ?? '';
      const rank = SUFFIX_RANK[name];
      if (rank === undefined) return rejected(`unknown suffix "_${name}"`);
      tokens.push({ kind: Kind.Suffix, text: name, rank });
      last = Kind.Suffix;
      at += match[0].length;
    } else if (c === '~' && last < Kind.CommitHash && (match = /^~([0-9a-fA-F]+)/.exec(rest))) {
      tokens.push({ kind: Kind.CommitHash, text: match[1] ?? '' });
      last = Kind.CommitHash;
      at += match[0].length;
    } else if (c === '-' && last < Kind.Revision && (match = /^-r([0-9]+)/.exec(rest))) {
      tokens.push({ kind: Kind.Revision, text: match[1] ?? '' });
      last = Kind.Revision;
      at += match[0].length;
    } else {
      return rejected(`unexpected ${JSON.stringify(c)} at position ${at}`);
    }
  }
  return parsed({ tokens });
}

function compareTokens(a: ApkToken, b: ApkToken): number {
  switch (a.kind) {
    case Kind.Digits:
      // A component with a leading zero is a decimal fraction: apk compares it as text.
      if (a.text.startsWith('0') || b.text.startsWith('0')) return compareStrings(a.text, b.text);
      return compareDigits(a.text, b.text);
    case Kind.InitialDigits:
    case Kind.SuffixNumber:
    case Kind.Revision:
      return compareDigits(a.text, b.text);
    case Kind.Suffix:
      return (a.rank ?? 0) - (b.rank ?? 0);
    default:
      return compareStrings(a.text, b.text);
  }
}

export function compareApkVersions(a: ApkVersion, b: ApkVersion): number {
  const length = Math.min(a.tokens.length, b.tokens.length);
  let i = 0;
  for (; i < length; i++) {
    const ta = a.tokens[i] as ApkToken;
    const tb = b.tokens[i] as ApkToken;
    if (ta.kind !== tb.kind) break;
    const order = compareTokens(ta, tb);
    if (order !== 0) return order;
  }
  const nextA = a.tokens[i];
  const nextB = b.tokens[i];
  const kindA: Kind = nextA?.kind ?? Kind.End;
  const kindB: Kind = nextB?.kind ?? Kind.End;
  if (kindA === kindB) return 0;
  if (nextA?.kind === Kind.Suffix && (nextA.rank ?? 0) < 0) return -1;
  if (nextB?.kind === Kind.Suffix && (nextB.rank ?? 0) < 0) return 1;
  return kindA > kindB ? -1 : 1;
}

export const apk = {
  name: 'apk',
  ecosystems: ['Alpine', 'Wolfi', 'Chainguard', 'Alpaquita', 'BellSoft Hardened Containers', 'MinimOS'],
  ...schemeFunctions('apk', readApkVersion, compareApkVersions),
} satisfies VersionScheme<ApkVersion>;
