/**
 * @module SUSE and openSUSE: source RPMs filed under the product's marketing name, which is the
 * os-release PRETTY_NAME ("SUSE:SUSE Linux Enterprise Server 15 SP5", "openSUSE:openSUSE Leap 15.5").
 * @see https://ossf.github.io/osv-schema/#defined-ecosystems
 */
import { sourceName, type DistroMatcher } from './distro-matcher.js';

export const suse = {
  name: 'suse',
  ids: ['sles', 'sled', 'sles_sap', 'sle-micro', 'sl-micro'],
  packageTypes: ['rpm'],
  ecosystems: (distro) => (distro.prettyName ? [{ ecosystem: `SUSE:${distro.prettyName}` }] : undefined),
  names: (pkg) => [sourceName(pkg)],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;

export const opensuse = {
  name: 'opensuse',
  ids: ['opensuse-leap', 'opensuse-tumbleweed', 'opensuse-leap-micro', 'opensuse'],
  packageTypes: ['rpm'],
  ecosystems: (distro) => (distro.prettyName ? [{ ecosystem: `openSUSE:${distro.prettyName}` }] : undefined),
  names: (pkg) => [sourceName(pkg)],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;
