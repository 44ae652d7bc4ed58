import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAlpineRelease, parseDebianVersion, parseOsRelease, parseOsReleaseFields, parseRedHatRelease } from './parse.js';

describe('os-release', () => {
  it('reads quoted, single-quoted, bare and escaped values', () => {
    const fields = parseOsReleaseFields('A="x \\"y\\" \\$z"\nB=\'lit $x\'\nC=bare\n# comment\nnot a line\nD=\n');
    expect(Object.fromEntries(fields)).toEqual({ A: 'x "y" $z', B: 'lit $x', C: 'bare', D: '' });
  });

  it.each([
    [
      'Debian 12',
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
      { id: 'debian', versionId: '12', codename: 'bookworm', idLike: [] },
    ],
    [
      'Ubuntu 22.04',
      'NAME="Ubuntu"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nUBUNTU_CODENAME=jammy\n',
      { id: 'ubuntu', versionId: '22.04', codename: 'jammy', idLike: ['debian'] },
    ],
    [
      'Rocky 9',
      'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nCPE_NAME="cpe:/o:rocky:rocky:9::baseos"\n',
      { id: 'rocky', versionId: '9.3', idLike: ['rhel', 'centos', 'fedora'], cpeName: 'cpe:/o:rocky:rocky:9::baseos' },
    ],
    ['Debian sid without VERSION_ID', 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\nID=debian\n', { id: 'debian', codename: 'trixie' }],
  ])('%s', (_label, text, expected) => {
    expect(parseOsRelease(text, '/etc/os-release')).toMatchObject({ ...expected, source: '/etc/os-release' });
  });

  it('gives nothing without an ID', () => {
    expect(parseOsRelease('NAME=x\n', '/etc/os-release')).toBeUndefined();
  });

  it('reads the fallback files', () => {
    expect(parseAlpineRelease('3.19.1\n', '/etc/alpine-release')).toMatchObject({ id: 'alpine', versionId: '3.19.1' });
    expect(parseDebianVersion('12.5\n', '/etc/debian_version')).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm' });
    expect(parseDebianVersion('trixie/sid\n', '/etc/debian_version')).toMatchObject({ id: 'debian', codename: 'trixie' });
    expect(parseDebianVersion('trixie/sid\n', '/etc/debian_version')!.versionId).toBeUndefined();
    expect(parseRedHatRelease('Red Hat Enterprise Linux release 8.9 (Ootpa)\n', 'f')).toMatchObject({ id: 'rhel', versionId: '8.9', codename: 'Ootpa' });
    expect(parseRedHatRelease('CentOS Linux release 7.9.2009 (Core)\n', 'f')).toMatchObject({ id: 'centos', versionId: '7' });
    expect(parseRedHatRelease('Amazon Linux release 2 (Karoo)\n', 'f')).toMatchObject({ id: 'amzn', versionId: '2' });
    expect(parseRedHatRelease('Rocky Linux release 9.3 (Blue Onyx)', 'f')).toMatchObject({ id: 'rocky', versionId: '9.3' });
    expect(parseRedHatRelease('Fedora release 39 (Thirty Nine)', 'f')).toMatchObject({ id: 'fedora', versionId: '39' });
    expect(parseRedHatRelease('Something else entirely', 'f')).toBeUndefined();
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseOsRelease(text, 'x');
        parseRedHatRelease(text, 'x');
        parseDebianVersion(text, 'x');
        parseAlpineRelease(text, 'x');
      }),
    );
  });
});
