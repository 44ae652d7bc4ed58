/** @module Ubuntu: source packages under "Ubuntu:<YY.MM>", with ":LTS" for long-term releases. @see https://ossf.github.io/osv-schema/#defined-ecosystems */
import type { Distro } from '../../model/distro.js';
import { sourceName, sourceVersion, type DistroMatcher } from './distro-matcher.js';

/** LTS releases are the even years' April releases (16.04, 18.04, 20.04, 22.04, 24.04…). */
function isLts(distro: Distro): boolean {
  if (/\bLTS\b/.test(distro.prettyName ?? '')) return true;
  const match = /^(\d+)\.04$/.exec(distro.versionId ?? '');
  return match !== null && Number(match[1]) % 2 === 0;
}

export const ubuntu = {
  name: 'ubuntu',
  ids: ['ubuntu'],
  packageTypes: ['deb'],
  ecosystems: (distro) => {
    if (!distro.versionId) return undefined;
    return [{ ecosystem: isLts(distro) ? `Ubuntu:${distro.versionId}:LTS` : `Ubuntu:${distro.versionId}` }];
  },
  names: (pkg) => [sourceName(pkg)],
  version: sourceVersion,
} satisfies DistroMatcher;
