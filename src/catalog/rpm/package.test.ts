import { describe, expect, it } from 'vitest';
import type { Distro } from '../../model/distro.js';
import { formatRpmVersion, parseSourceRpm, rpmNamespace, toRpmPackage } from './package.js';

function distro(id: string, versionId?: string): Distro {
  return { id, idLike: [], source: '/etc/os-release', ...(versionId ? { versionId } : {}) };
}

describe('rpm packages', () => {
  it.each([
    ['rhel', 'redhat'],
    ['centos', 'centos'],
    ['fedora', 'fedora'],
    ['rocky', 'rocky'],
    ['almalinux', 'almalinux'],
    ['amzn', 'amazon'],
    ['ol', 'oracle'],
    ['sles', 'suse'],
    ['sled', 'suse'],
    ['opensuse-leap', 'opensuse'],
    ['opensuse-tumbleweed', 'opensuse'],
    ['mariner', 'microsoft'],
    ['azurelinux', 'microsoft'],
    ['photon', 'vmware'],
    ['openeuler', 'openeuler'],
  ])('uses namespace %s → %s', (id, namespace) => {
    expect(rpmNamespace(distro(id))).toBe(namespace);
  });

  it('has no namespace without a distro', () => {
    expect(rpmNamespace(undefined)).toBeUndefined();
  });

  it.each([
    ['bash-5.1.8-9.el9.src.rpm', { name: 'bash', version: '5.1.8', release: '9.el9' }],
    ['python3-pip-wheel-21.2.3-8.el9.src.rpm', { name: 'python3-pip-wheel', version: '21.2.3', release: '8.el9' }],
    ['kernel-5.14.0-427.13.1.el9_4.nosrc.rpm', { name: 'kernel', version: '5.14.0', release: '427.13.1.el9_4' }],
    ['bash-5.1.8.src.rpm', undefined],
    ['bash-5.1.8-9.el9.rpm', undefined],
    ['', undefined],
  ])('splits the source rpm %s', (sourceRpm, expected) => {
    expect(parseSourceRpm(sourceRpm)).toEqual(expected);
  });

  it.each([
    [{ version: '1.0', release: '1' }, '1.0-1'],
    [{ version: '1.0', release: '1', epoch: 0 }, '0:1.0-1'],
    [{ version: '1.0', release: '1.el9', epoch: 2 }, '2:1.0-1.el9'],
  ])('formats %o as %s', (evr, expected) => {
    expect(formatRpmVersion(evr)).toBe(expected);
  });

  it('builds the package with purl, source, licence and metadata', () => {
    const pkg = toRpmPackage(
      {
        name: 'perl-IO-Socket-SSL',
        version: '2.066',
        release: '4.module+el8.3.0+6446+594cad75',
        epoch: 1,
        arch: 'noarch',
        license: '(GPL+ or Artistic) and MPLv2.0',
        vendor: 'Red Hat, Inc.',
        sourceRpm: 'perl-IO-Socket-SSL-2.066-4.module+el8.3.0+6446+594cad75.src.rpm',
        modularityLabel: 'perl-IO-Socket-SSL:2.066:8030020200430092525:0f5b7d77',
        size: 685694,
      },
      distro('rhel', '8.3'),
    );
    expect(pkg).toEqual({
      name: 'perl-IO-Socket-SSL',
      version: '1:2.066-4.module+el8.3.0+6446+594cad75',
      type: 'rpm',
      purl:
        'pkg:rpm/redhat/perl-IO-Socket-SSL@2.066-4.module%2Bel8.3.0%2B6446%2B594cad75?arch=noarch&distro=rhel-8.3&epoch=1' +
        '&upstream=perl-IO-Socket-SSL-2.066-4.module%2Bel8.3.0%2B6446%2B594cad75.src.rpm',
      arch: 'noarch',
      source: { name: 'perl-IO-Socket-SSL', version: '1:2.066-4.module+el8.3.0+6446+594cad75' },
      licenses: ['(GPL+ or Artistic) and MPLv2.0'],
      metadata: {
        epoch: 1,
        version: '2.066',
        release: '4.module+el8.3.0+6446+594cad75',
        vendor: 'Red Hat, Inc.',
        modularityLabel: 'perl-IO-Socket-SSL:2.066:8030020200430092525:0f5b7d77',
        sourceRpm: 'perl-IO-Socket-SSL-2.066-4.module+el8.3.0+6446+594cad75.src.rpm',
        size: 685694,
      },
    });
  });

  it('leaves out what the header lacks, and the namespace without a distro', () => {
    expect(toRpmPackage({ name: 'bare', version: '1', release: '1' }, undefined)).toEqual({
      name: 'bare',
      version: '1-1',
      type: 'rpm',
      purl: 'pkg:rpm/bare@1-1',
      metadata: { version: '1', release: '1' },
    });
  });

  it('drops gpg-pubkey pseudo-packages', () => {
    expect(toRpmPackage({ name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b' }, distro('rhel', '9.4'))).toBeUndefined();
  });
});
