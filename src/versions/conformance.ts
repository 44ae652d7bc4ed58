/**
 * Test support: reads the shared version-ordering vectors (osv-scalibr tables, univers JSON
 * cases, rpm's rpmvercmp.at, apk-tools' version.data) and runs them against a scheme.
 * The data lives outside the repository, at ../shared/data from the repository root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VersionParseError, type VersionScheme } from './scheme.js';

export const VECTORS_ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../shared/data/version-vectors',
);

export type Relation = '<' | '=' | '>' | '!=';

export interface Vector {
  a: string;
  relation: Relation;
  b: string;
  /** file:line or file#index, for the failure message. */
  where: string;
}

/** What the scheme does instead of the vector's answer, and who says the scheme is right. */
export interface VectorException {
  /** The vector as written in its file: `a <op> b`. */
  vector: string;
  /** Our answer: a relation, or 'rejected' when a or b is not a valid version. */
  ours: Relation | 'rejected';
  /** The package manager's own behaviour that backs our answer. */
  witness: string;
}

export type VectorFormat = 'scalibr' | 'univers' | 'rpmvercmp' | 'apk-data';

export interface VectorSource {
  /** Path under version-vectors/. */
  file: string;
  format: VectorFormat;
}

/** `a < b` lines; '#' and '//' start comments. Used by scalibr's tables and apk-tools' version.data. */
function readRelationLines(text: string, file: string): Vector[] {
  const vectors: Vector[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) return;
    const match = /^(\S*) (<|=|>|!=) (\S*)$/.exec(line);
    if (!match) throw new Error(`${file}:${index + 1}: unreadable vector line ${JSON.stringify(raw)}`);
    const [, a = '', relation, b = ''] = match;
    vectors.push({ a, relation: relation as Relation, b, where: `${file}:${index + 1}` });
  });
  return vectors;
}

interface UniversCase {
  test_type: 'comparison' | 'equality';
  input: { versions: string[] };
  expected_output: string[] | boolean;
}

/** univers JSON: a comparison case lists two versions and expects them sorted ascending. */
function readUniversCases(text: string, file: string): Vector[] {
  const cases = JSON.parse(text) as UniversCase[];
  return cases.map((c, index): Vector => {
    const where = `${file}#${index}`;
    const [a = '', b = ''] = c.input.versions;
    if (c.test_type === 'equality') {
      return { a, relation: c.expected_output === true ? '=' : '!=', b, where };
    }
    const [low = '', high = ''] = c.expected_output as string[];
    return { a: low, relation: low === high ? '=' : '<', b: high, where };
  });
}

/** rpm's autotest file: `RPMVERCMP(a, b, -1|0|1)` lines. */
function readRpmvercmpAt(text: string, file: string): Vector[] {
  const vectors: Vector[] = [];
  text.split('\n').forEach((line, index) => {
    const match = /^RPMVERCMP\(([^,]*), ([^,]*), (-1|0|1)\)$/.exec(line.trim());
    if (!match) return;
    const [, a = '', b = '', result] = match;
    const relation: Relation = result === '-1' ? '<' : result === '1' ? '>' : '=';
    vectors.push({ a, relation, b, where: `${file}:${index + 1}` });
  });
  return vectors;
}

export function readVectors(source: VectorSource): Vector[] {
  const text = readFileSync(resolve(VECTORS_ROOT, source.file), 'utf8');
  switch (source.format) {
    case 'scalibr':
    case 'apk-data':
      return readRelationLines(text, source.file);
    case 'univers':
      return readUniversCases(text, source.file);
    case 'rpmvercmp':
      return readRpmvercmpAt(text, source.file);
  }
}

/** The scheme's answer for a pair: a relation, or 'rejected' when either side is invalid. */
export function relationOf(scheme: VersionScheme, a: string, b: string): Relation | 'rejected' {
  try {
    const order = scheme.compare(a, b);
    return order < 0 ? '<' : order > 0 ? '>' : '=';
  } catch (error) {
    if (error instanceof VersionParseError) return 'rejected';
    throw error;
  }
}

function holds(actual: Relation | 'rejected', expected: Relation): boolean {
  if (expected === '!=') return actual === '<' || actual === '>';
  return actual === expected;
}

export const vectorKey = (v: Pick<Vector, 'a' | 'relation' | 'b'>): string => `${v.a} ${v.relation} ${v.b}`;

/**
 * One test per vector file: every vector must hold, except those in `exceptions`, which must
 * fail exactly the documented way (so a stale exception is noticed too).
 */
export function runConformance(
  scheme: VersionScheme,
  sources: readonly VectorSource[],
  exceptions: readonly VectorException[] = [],
): void {
  describe(`${scheme.name} conformance vectors`, () => {
    if (!existsSync(VECTORS_ROOT)) {
      it.skip(`skipped: ${VECTORS_ROOT} is absent (the shared version vectors are not checked out)`, () => {});
      return;
    }
    const byVector = new Map(exceptions.map((e) => [e.vector, e]));
    const used = new Set<string>();
    let filesRun = 0;

    for (const source of sources) {
      const vectors = readVectors(source);
      it(`${source.file}: ${vectors.length} vectors`, () => {
        filesRun++;
        const failures: string[] = [];
        for (const v of vectors) {
          const actual = relationOf(scheme, v.a, v.b);
          const exception = byVector.get(vectorKey(v));
          if (exception) {
            used.add(exception.vector);
            if (actual !== exception.ours) {
              failures.push(`${v.where}: ${vectorKey(v)} is a listed exception expecting ${exception.ours}, got ${actual}`);
            }
          } else if (!holds(actual, v.relation)) {
            failures.push(`${v.where}: expected ${vectorKey(v)}, got ${v.a} ${actual} ${v.b}`);
          }
        }
        expect(failures, `${failures.length} of ${vectors.length} vectors failed`).toEqual([]);
      });
    }

    it('lists no exception that matches no vector', (context) => {
      // Only meaningful when every file above ran (not under a `-t` filter).
      if (filesRun < sources.length) context.skip();
      const unused = exceptions.filter((e) => !used.has(e.vector)).map((e) => e.vector);
      expect(unused).toEqual([]);
    });
  });
}

/** The compare() result a hand-written `a <op> b` case expects. */
export function orderOf(relation: '<' | '=' | '>'): number {
  return relation === '<' ? -1 : relation === '>' ? 1 : 0;
}
