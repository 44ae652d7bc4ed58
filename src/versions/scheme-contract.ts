/**
 * The contract every VersionScheme keeps, as a test suite each `<scheme>.test.ts` runs:
 * comparison is a total order on valid versions, and invalid versions are rejected with a
 * VersionParseError, never another exception and never a silent answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VersionParseError, type VersionScheme } from './scheme.js';

export interface SchemeSamples {
  /** Valid versions, in any order; the more shapes the better (each pair and triple is checked). */
  valid: readonly string[];
  /** Strings the scheme must refuse. */
  invalid: readonly string[];
  /** Generates valid versions of this scheme, for the property tests. */
  arbitrary?: fc.Arbitrary<string>;
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** Characters that version strings are made of, so random strings often come close to valid. */
const versionish = fc.string({
  unit: fc.constantFrom(...'0123456789.-_+~^:abcdefghijklmnopqrstuvwxyzABCRSTVX!* '.split('')),
  maxLength: 16,
});

/** Throws unless `fn` returns normally or throws a VersionParseError. */
function onlyParseErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof VersionParseError)) throw error;
  }
}

function checkTotalOrder(scheme: VersionScheme, a: string, b: string, c: string): void {
  expect(scheme.compare(a, a), `${a} = ${a}`).toBe(0);
  const ab = sign(scheme.compare(a, b));
  expect(sign(scheme.compare(b, a)), `antisymmetry of ${a} and ${b}`).toBe(ab === 0 ? 0 : -ab);
  const bc = sign(scheme.compare(b, c));
  const ac = sign(scheme.compare(a, c));
  if (ab <= 0 && bc <= 0) expect(ac, `${a} <= ${b} <= ${c}`).toBeLessThanOrEqual(0);
  if (ab === 0 && bc === 0) expect(ac, `${a} = ${b} = ${c}`).toBe(0);
  if (ab < 0 && bc <= 0) expect(ac, `${a} < ${b} <= ${c}`).toBe(-1);
  if (ab <= 0 && bc < 0) expect(ac, `${a} <= ${b} < ${c}`).toBe(-1);
}

export function runSchemeContract(scheme: VersionScheme, samples: SchemeSamples): void {
  describe(`${scheme.name} scheme contract`, () => {
    it('accepts every valid sample', () => {
      for (const v of samples.valid) {
        expect(scheme.validate(v), v).toBe(true);
        expect(scheme.parse(v), v).toBeDefined();
      }
    });

    it('is reflexive, antisymmetric and transitive on the samples', () => {
      for (const a of samples.valid) {
        for (const b of samples.valid) {
          for (const c of samples.valid) checkTotalOrder(scheme, a, b, c);
        }
      }
    });

    it('rejects every invalid sample with a VersionParseError naming the version and scheme', () => {
      const anchor = samples.valid[0] ?? '';
      for (const v of samples.invalid) {
        expect(scheme.validate(v), JSON.stringify(v)).toBe(false);
        expect(scheme.parse(v), JSON.stringify(v)).toBeUndefined();
        for (const call of [() => scheme.compare(v, anchor), () => scheme.compare(anchor, v)]) {
          let thrown: unknown;
          try {
            call();
          } catch (error) {
            thrown = error;
          }
          expect(thrown, JSON.stringify(v)).toBeInstanceOf(VersionParseError);
          const error = thrown as VersionParseError;
          expect(error.version).toBe(v);
          expect(error.scheme).toBe(scheme.name);
          expect(error.reason).not.toBe('');
        }
      }
    });

    it('never throws anything but VersionParseError, and agrees with itself, on random strings', () => {
      fc.assert(
        fc.property(versionish, versionish, (a, b) => {
          const valid = scheme.validate(a);
          expect(scheme.parse(a) !== undefined).toBe(valid);
          onlyParseErrors(() => scheme.compare(a, b));
          if (valid) expect(scheme.compare(a, a)).toBe(0);
        }),
        { numRuns: 2000 },
      );
    });

    const arbitrary = samples.arbitrary;
    if (arbitrary) {
      it('is a total order on generated valid versions', () => {
        fc.assert(
          fc.property(arbitrary, arbitrary, arbitrary, (a, b, c) => {
            expect(scheme.validate(a), a).toBe(true);
            checkTotalOrder(scheme, a, b, c);
          }),
          { numRuns: 3000 },
        );
      });
    }
  });
}
