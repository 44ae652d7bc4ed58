/**
 * NuGet package versions, as NuGetVersion parses and VersionComparer.Default orders them:
 * SemVer 2.0 with up to four numbers, case-insensitive pre-release labels, metadata ignored.
 * @see https://learn.microsoft.com/en-us/nuget/concepts/package-versioning
 */
import { compareDigits, parsed, rejected, schemeFunctions, type ParseResult, type VersionScheme } from './scheme.js';

export interface NuGetVersion {
  /** Major, minor, patch, revision; missing ones are 0. */
  numbers: [number, number, number, number];
  releaseLabels: string[];
  metadata?: string;
}

const INT32_MAX = '2147483647';
const NUGET_VERSION =
  /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function readNuGetVersion(version: string): ParseResult<NuGetVersion> {
  const match = NUGET_VERSION.exec(version);
  if (!match) return rejected('not MAJOR[.MINOR[.PATCH[.REVISION]]][-PRERELEASE][+METADATA]');
  const parts = match.slice(1, 5).map((p) => p ?? '0');
  // NuGet keeps each number in an Int32; leading zeros are fine ('1.01' is 1.1).
  if (parts.some((p) => compareDigits(p, INT32_MAX) > 0)) return rejected('a version number is larger than 2147483647');
  const [major, minor, patch, revision] = parts.map(Number) as [number, number, number, number];
  const value: NuGetVersion = {
    numbers: [major, minor, patch, revision],
    releaseLabels: match[5] === undefined ? [] : match[5].split('.'),
  };
  if (match[6] !== undefined) value.metadata = match[6];
  return parsed(value);
}

/** A label is numeric when .NET's Int32.TryParse reads it, so '2147483648' compares as text. */
function labelNumber(label: string): number | undefined {
  if (!/^[+-]?\d+$/.test(label)) return undefined;
  const n = Number(label);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** Ordinal comparison after upper-casing, as StringComparer.OrdinalIgnoreCase. */
function compareIgnoringCase(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareLabel(a: string, b: string): number {
  const x = labelNumber(a);
  const y = labelNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined) return -1;
  if (y !== undefined) return 1;
  return compareIgnoringCase(a, b);
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): number {
  for (let i = 0; i < 4; i++) {
    const order = (a.numbers[i] as number) - (b.numbers[i] as number);
    if (order !== 0) return order;
  }
  const aRelease = a.releaseLabels.length === 0;
  const bRelease = b.releaseLabels.length === 0;
  if (aRelease || bRelease) return (aRelease ? 1 : 0) - (bRelease ? 1 : 0);
  const length = Math.min(a.releaseLabels.length, b.releaseLabels.length);
  for (let i = 0; i < length; i++) {
    const order = compareLabel(a.releaseLabels[i] as string, b.releaseLabels[i] as string);
    if (order !== 0) return order;
  }
  return a.releaseLabels.length - b.releaseLabels.length;
}

export const nuget = {
  name: 'nuget',
  ecosystems: ['NuGet'],
  ...schemeFunctions('nuget', readNuGetVersion, compareNuGetVersions),
} satisfies VersionScheme<NuGetVersion>;
