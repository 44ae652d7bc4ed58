/** @module Wolfi and Chainguard: rolling distributions, one ecosystem each, by package name. @see https://ossf.github.io/osv-schema/#defined-ecosystems */
import type { DistroMatcher } from './distro-matcher.js';

export const wolfi = {
  name: 'wolfi',
  ids: ['wolfi'],
  packageTypes: ['apk'],
  ecosystems: () => [{ ecosystem: 'Wolfi' }],
  names: (pkg) => [pkg.name],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;

export const chainguard = {
  name: 'chainguard',
  ids: ['chainguard'],
  packageTypes: ['apk'],
  ecosystems: () => [{ ecosystem: 'Chainguard' }],
  names: (pkg) => [pkg.name],
  version: (pkg) => pkg.version,
} satisfies DistroMatcher;
