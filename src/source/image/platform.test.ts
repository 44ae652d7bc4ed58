import { describe, expect, it } from 'vitest';
import { VigilError } from '../../errors.js';
import { choosePlatform, parsePlatform, platformMatches } from './platform.js';

const amd64 = { platform: { os: 'linux', architecture: 'amd64' } };
const arm64 = { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } };
const armv7 = { platform: { os: 'linux', architecture: 'arm', variant: 'v7' } };

describe('platforms', () => {
  it('parses os/arch[/variant]', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(() => parsePlatform('linux')).toThrow(VigilError);
  });

  it.each([
    ['linux/arm64', arm64.platform, true],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }, true],
    ['linux/arm/v6', armv7.platform, false],
    ['windows/amd64', amd64.platform, false],
  ])('%s matches %j: %s', (wanted, actual, expected) => {
    expect(platformMatches(parsePlatform(wanted), actual)).toBe(expected);
  });

  it('chooses linux/amd64 by default, else the only platform', () => {
    expect(choosePlatform([arm64, amd64], undefined, 'x')).toBe(amd64);
    expect(choosePlatform([arm64], undefined, 'x')).toBe(arm64);
    expect(choosePlatform([arm64, armv7], 'linux/arm/v7', 'x')).toBe(armv7);
  });

  it('names the platforms present when none fits', () => {
    expect(() => choosePlatform([arm64, armv7], undefined, 'x')).toThrow(/linux\/arm64\/v8, linux\/arm\/v7/);
    try {
      choosePlatform([amd64], 'linux/s390x', 'img.tar');
    } catch (error) {
      expect((error as VigilError).code).toBe('PLATFORM_NOT_FOUND');
      expect((error as Error).message).toBe('img.tar has no image for linux/s390x; platforms present: linux/amd64');
    }
  });
});
