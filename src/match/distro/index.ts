/** @module The registry of distribution matchers, one line per module (guarded by a test). */
import type { Distro } from '../../model/distro.js';
import type { PackageType } from '../../model/package.js';
import { alpine } from './alpine.js';
import { debian } from './debian.js';
import type { DistroMatcher } from './distro-matcher.js';
import { almalinux, photon, redhat, rocky } from './rhel-family.js';
import { opensuse, suse } from './suse.js';
import { ubuntu } from './ubuntu.js';
import { chainguard, wolfi } from './wolfi.js';

export const distroMatchers: readonly DistroMatcher[] = [debian, ubuntu, alpine, wolfi, chainguard, rocky, almalinux, redhat, photon, suse, opensuse];

export function distroMatcherFor(distro: Distro | undefined, type: PackageType): DistroMatcher | undefined {
  if (!distro) return undefined;
  return distroMatchers.find((m) => m.ids.includes(distro.id) && m.packageTypes.includes(type));
}

export type { DistroMatcher, EcosystemQuery } from './distro-matcher.js';
