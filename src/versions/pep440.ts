/**
 * Python package versions (PEP 440), parsed and ordered by @renovatebot/pep440, a port of
 * pypa/packaging's Version.
 * @see https://packaging.python.org/en/latest/specifications/version-specifiers/
 */
import { createRequire } from 'node:module';
import type * as Pep440Library from '@renovatebot/pep440';
import type { Pep440Version } from '@renovatebot/pep440';
import { parsed, rejected, schemeFunctions, type ParseResult, type VersionScheme } from './scheme.js';

export type { Pep440Version };

/** The library, loaded when a PyPI version is first read (a scan without Python packages never needs it). */
let library: typeof Pep440Library | undefined;
const pep440Library = (): typeof Pep440Library => (library ??= createRequire(import.meta.url)('@renovatebot/pep440') as typeof Pep440Library);

/** Kept beside the parse so compare can hand the library the same string it validated. */
export interface ParsedPep440 {
  text: string;
  version: Pep440Version;
}

function readPep440(version: string): ParseResult<ParsedPep440> {
  // packaging strips surrounding whitespace before matching; the library does not.
  const text = version.trim();
  const explained = pep440Library().explain(text);
  if (!explained) return rejected('not a PEP 440 version');
  // The library reads release numbers with Number(); past 2^53 distinct versions would collide.
  if (explained.release.some((n) => !Number.isSafeInteger(n)) || !Number.isSafeInteger(explained.epoch)) {
    return rejected('a release number is too large to compare exactly');
  }
  return parsed({ text, version: explained });
}

export const pep440 = {
  name: 'pep440',
  ecosystems: ['PyPI'],
  ...schemeFunctions('pep440', readPep440, (a, b) => pep440Library().compare(a.text, b.text)),
} satisfies VersionScheme<ParsedPep440>;
