import { describe, expect, it } from 'vitest';
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
});
