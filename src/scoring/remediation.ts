/**
 * @module The command that upgrades a vulnerable package to its fixed version, per package manager.
 *
 * Each form pins the fixed version (or a floor at it) rather than "upgrade to latest", so the
 * command does what the finding says:
 * - deb: `apt-get install --only-upgrade name=fixed` (never installs a package that is absent).
 * - apk: `apk add --upgrade 'name>=fixed'` (apk has no "install exactly"; the constraint is kept
 *   in /etc/apk/world, which also stops a later downgrade).
 * - rpm: `dnf upgrade name-fixed` (name-[epoch:]version-release is a NEVRA dnf resolves); `yum
 *   update` on Amazon Linux 2 and RHEL/CentOS/Oracle Linux 7 and older; `zypper install
 *   'name>=fixed'` on SUSE; `tdnf upgrade` on Photon OS and Azure Linux.
 * - npm `npm install name@fixed`; PyPI `pip install 'name>=fixed'`; cargo `cargo update -p name
 *   --precise fixed`; NuGet `dotnet add package Name --version fixed`.
 * - Go: `go get module@vX.Y.Z` (OSV writes Go versions without the "v" the go command needs);
 *   the standard library and toolchain are upgraded with Go itself: a sentence, not a command.
 * - Maven has no command line for it: "update group:artifact to fixed" (the coordinates to edit).
 * - RubyGems: `gem install name -v fixed` (bundler has no pin flag; with a Gemfile, raise the
 *   requirement to the same version).
 * - Composer: `composer require 'vendor/name:^fixed'` (a caret constraint at the fixed version;
 *   `composer update` alone does not promise it).
 * Arguments with characters a POSIX shell treats specially are single-quoted.
 */
import type { PackageType } from '../model/package.js';

export interface RemediationInput {
  type: PackageType;
  ecosystem?: string;
  name: string;
  fixedVersion: string;
  /** os-release ID of the distribution (debian, ubuntu, alpine, rhel, amzn, sles, …). */
  distroId?: string;
  /** os-release VERSION_ID ("2", "7.9", "2023"), to choose between yum and dnf. */
  distroVersion?: string;
}

/** Leaves a word bare when the shell would read it literally; else quotes it with single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function major(version: string | undefined): number | undefined {
  const match = /^(\d+)/.exec(version ?? '');
  return match ? Number(match[1]) : undefined;
}

function rpmCommand(name: string, fixed: string, distroId: string | undefined, distroVersion: string | undefined): string {
  const id = (distroId ?? '').toLowerCase();
  const version = major(distroVersion);
  if (id === 'sles' || id === 'sled' || id.startsWith('opensuse') || id === 'suse') {
    return `zypper install ${shellQuote(`${name}>=${fixed}`)}`;
  }
  if (id === 'photon' || id === 'mariner' || id === 'azurelinux') return `tdnf upgrade ${shellQuote(`${name}-${fixed}`)}`;
  const yum =
    (id === 'amzn' && (version === undefined || version <= 2)) ||
    (['rhel', 'centos', 'ol', 'scientific'].includes(id) && version !== undefined && version <= 7);
  return `${yum ? 'yum update' : 'dnf upgrade'} ${shellQuote(`${name}-${fixed}`)}`;
}

/** The upgrade command (or, where no command exists, the instruction); undefined without a name or version. */
export function remediationCommand(input: RemediationInput): string | undefined {
  const name = input.name?.trim();
  const fixed = input.fixedVersion?.trim();
  if (!name || !fixed) return undefined;
  switch (input.type) {
    case 'deb':
      return `apt-get install --only-upgrade ${shellQuote(`${name}=${fixed}`)}`;
    case 'apk':
      return `apk add --upgrade ${shellQuote(`${name}>=${fixed}`)}`;
    case 'rpm':
      return rpmCommand(name, fixed, input.distroId, input.distroVersion);
    case 'npm':
      return `npm install ${shellQuote(`${name}@${fixed}`)}`;
    case 'pypi':
      return `pip install ${shellQuote(`${name}>=${fixed}`)}`;
    case 'golang': {
      const version = fixed.startsWith('v') ? fixed : `v${fixed}`;
      if (name === 'stdlib' || name === 'toolchain') return `upgrade Go to ${fixed.replace(/^(v|go)/, '')}`;
      return `go get ${shellQuote(`${name}@${version}`)}`;
    }
    case 'maven':
      return `update ${name} to ${fixed}`;
    case 'cargo':
      return `cargo update -p ${shellQuote(name)} --precise ${shellQuote(fixed)}`;
    case 'gem':
      return `gem install ${shellQuote(name)} -v ${shellQuote(fixed)}`;
    case 'composer':
      return `composer require ${shellQuote(`${name}:^${fixed}`)}`;
    case 'nuget':
      return `dotnet add package ${shellQuote(name)} --version ${shellQuote(fixed)}`;
  }
}
