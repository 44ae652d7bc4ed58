import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './criteria-sql.js';

/** Code point order: the order of UTF-8 bytes, which SQLite's BINARY and PostgreSQL's "C" collations compare. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

describe('prefixUpperBound', () => {
  it.each([
    ['CVE-2024', 'CVE-2025'],
    ['a%', 'a&'],
    ['a_', 'a`'],
    ['a\u{10FFFF}', 'b'],
    ['\uD7FF', '\uE000'],
    ['😀', '😁'],
    ['\u{10FFFF}\u{10FFFF}', undefined],
    ['a\uD800', undefined],
  ])('%j → %j', (prefix, upper) => {
    expect(prefixUpperBound(prefix)).toBe(upper);
  });

  it('bounds exactly the strings that start with the prefix, in code point order', () => {
    const text = fc.string({ unit: 'binary', maxLength: 4 });
    fc.assert(
      fc.property(text, text, text, (prefix, middle, rest) => {
        fc.pre(prefix.length > 0);
        const upper = prefixUpperBound(prefix);
        fc.pre(upper !== undefined);
        for (const candidate of [prefix + middle, middle, prefix.slice(0, -1) + middle + rest, middle + prefix, upper!, upper! + rest]) {
          const inRange = compareCodePoints(candidate, prefix) >= 0 && compareCodePoints(candidate, upper!) < 0;
          expect(inRange, JSON.stringify({ prefix, candidate, upper })).toBe(candidate.startsWith(prefix));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
