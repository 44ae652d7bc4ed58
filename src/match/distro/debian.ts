/** @module Debian: advisories name source packages, filed under "Debian:<major release>". @see https://ossf.github.io/osv-schema/#defined-ecosystems */
import { majorVersion, sourceName, sourceVersion, type DistroMatcher } from './distro-matcher.js';

export const debian = {
  name: 'debian',
  ids: ['debian'],
  packageTypes: ['deb'],
  ecosystems: (distro) => {
    const major = majorVersion(distro);
    return major ? [{ ecosystem: `Debian:${major}` }] : undefined;
  },
  names: (pkg) => [sourceName(pkg)],
  // binNMU rebuilds ("+b1") carry the source version in Source:, which is what advisories fix.
  version: sourceVersion,
} satisfies DistroMatcher;
