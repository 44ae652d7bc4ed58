/** @module Alpine: origin (source) packages under "Alpine:v<major>.<minor>". @see https://ossf.github.io/osv-schema/#defined-ecosystems */
import { sourceName, type DistroMatcher } from './distro-matcher.js';

export const alpine = {
  name: 'alpine',
  ids: ['alpine'],
  packageTypes: ['apk'],
  ecosystems: (distro) => {
    const match = /^(\d+)\.(\d+)/.exec(distro.versionId ?? '');
    return match ? [{ ecosystem: `Alpine:v${match[1]}.${match[2]}` }] : undefined;
  },
  names: (pkg) => [sourceName(pkg)],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;
