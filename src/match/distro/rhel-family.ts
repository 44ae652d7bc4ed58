/**
 * @module RPM distributions with OSV data: Rocky Linux and AlmaLinux (source packages under
 * "<Name>:<major>"), Red Hat (binary or source RPMs under a CPE-derived stream such as
 * "Red Hat:enterprise_linux:9::appstream") and Photon OS (RPM names under "Photon OS:<release>").
 * @see https://ossf.github.io/osv-schema/#defined-ecosystems
 */
import { majorVersion, sourceName, type DistroMatcher } from './distro-matcher.js';

export const rocky = {
  name: 'rocky',
  ids: ['rocky'],
  packageTypes: ['rpm'],
  ecosystems: (distro) => {
    const major = majorVersion(distro);
    return major ? [{ ecosystem: `Rocky Linux:${major}` }] : undefined;
  },
  names: (pkg) => [sourceName(pkg)],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;

export const almalinux = {
  name: 'almalinux',
  ids: ['almalinux'],
  packageTypes: ['rpm'],
  ecosystems: (distro) => {
    const major = majorVersion(distro);
    return major ? [{ ecosystem: `AlmaLinux:${major}` }] : undefined;
  },
  names: (pkg) => [sourceName(pkg)],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;

export const redhat = {
  name: 'redhat',
  ids: ['rhel'],
  packageTypes: ['rpm'],
  ecosystems: (distro) => {
    const major = majorVersion(distro);
    if (!major) return undefined;
    // Every stream of this major release (baseos, appstream, crb, extended update support…).
    const stream = new RegExp(`^Red Hat:[a-z_]*enterprise_linux[a-z_]*:${major}(\\.\\d+)?(::|$)`);
    return [{ ecosystem: 'Red Hat', accept: (ecosystem) => stream.test(ecosystem) }];
  },
  names: (pkg) => [...new Set([pkg.name, sourceName(pkg)])],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;

export const photon = {
  name: 'photon',
  ids: ['photon'],
  packageTypes: ['rpm'],
  ecosystems: (distro) => (distro.versionId ? [{ ecosystem: `Photon OS:${distro.versionId}` }] : undefined),
  names: (pkg) => [pkg.name],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;
