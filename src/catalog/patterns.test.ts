import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogers } from './index.js';
import { compilePatterns, patternToRegex } from './patterns.js';

describe('cataloger patterns', () => {
  it.each([
    ['/var/lib/dpkg/status', '/var/lib/dpkg/status', true],
    ['/var/lib/dpkg/status', '/var/lib/dpkg/status-old', false],
    ['/var/lib/dpkg/status.d/*', '/var/lib/dpkg/status.d/libssl3', true],
    ['/var/lib/dpkg/status.d/*', '/var/lib/dpkg/status.d/a/b', false],
    ['/**/package.json', '/package.json', true],
    ['/**/package.json', '/app/node_modules/x/package.json', true],
    ['/**/package.json', '/app/package.jsonx', false],
    ['/usr/lib/**', '/usr/lib/a/b', true],
    ['/a.b/*.c', '/a.b/x.c', true],
    ['/a.b/*.c', '/aXb/x.c', false],
  ])('%s against %s', (pattern, path, expected) => {
    expect(patternToRegex(pattern).test(path)).toBe(expected);
  });

  it('unions patterns', () => {
    const match = compilePatterns(['/etc/os-release', '/lib/apk/db/installed']);
    expect(match('/etc/os-release')).toBe(true);
    expect(match('/lib/apk/db/installed')).toBe(true);
    expect(match('/etc/passwd')).toBe(false);
    expect(compilePatterns([])('/x')).toBe(false);
  });

  it('matches a file name through sets and suffixes exactly as the patterns\' regular expressions do', () => {
    const patterns = catalogers.flatMap((c) => c.patterns.filter((p) => p.includes('**')));
    const reference = new RegExp(patterns.map((p) => patternToRegex(p).source).join('|'));
    const match = compilePatterns(patterns);
    // Names built from the pieces the patterns are made of, so near misses are common.
    const piece = fc.constantFrom('package', '-lock', '.json', 'requirements', '.txt', '.deps', 'METADATA', 'PKG-INFO', '.egg', '-info', '.jar', '.JAR', '.lockfile', 'gradle', 'Cargo', '.lock', 'x', '.', '', 'node_modules', 'dist-info');
    const name = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(''));
    const folder = fc.constantFrom('', '/usr/lib', '/app/node_modules/x', '/app/node_modules/@s/x', '/site/a.dist-info', '/p/a.egg-info', '/p/a.egg/EGG-INFO', '/x/requirements', '/r/gradle/dependency-locks', '/g/specifications', '/g/specifications/default', '/c/composer');
    fc.assert(
      fc.property(folder, name, (dir, file) => {
        const path = `${dir}/${file}`;
        expect(match(path), path).toBe(reference.test(path));
      }),
      { numRuns: 5000 },
    );
  });
});
