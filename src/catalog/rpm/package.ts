/**
 * @module Turns the facts of an rpm header into a Vigil package: version string, source package,
 * licence and purl.
 * @see https://github.com/package-url/purl-spec/blob/main/types/rpm-definition.json
 */
import type { Distro } from '../../model/distro.js';
import type { PackageMetadata, ParsedPackage, SourcePackage } from '../../model/package.js';
import { buildPurl, distroQualifier } from '../../model/purl.js';
import type { RpmHeader } from './header.js';

/**
 * The purl namespace is the vendor of the distribution, lower case (purl-spec rpm type). Distros
 * not listed use their os-release ID.
 */
const namespaceByDistroId: Readonly<Record<string, string>> = {
  rhel: 'redhat',
  centos: 'centos',
  fedora: 'fedora',
  rocky: 'rocky',
  almalinux: 'almalinux',
  amzn: 'amazon',
  ol: 'oracle',
  sles: 'suse',
  sled: 'suse',
  'sle-micro': 'suse',
  sle_hpc: 'suse',
  opensuse: 'opensuse',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  'opensuse-microos': 'opensuse',
  'opensuse-leap-micro': 'opensuse',
  mariner: 'microsoft',
  azurelinux: 'microsoft',
  photon: 'vmware',
};

export function rpmNamespace(distro: Distro | undefined): string | undefined {
  if (!distro) return undefined;
  return namespaceByDistroId[distro.id] ?? distro.id;
}

/**
 * Splits a source rpm file name, `name-version-release.src.rpm`, into its parts. Names may hold
 * dashes; version and release may not, so the last two dashes divide the three.
 */
export function parseSourceRpm(sourceRpm: string): { name: string; version: string; release: string } | undefined {
  const match = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  if (!match) return undefined;
  return { name: match[1]!, version: match[2]!, release: match[3]! };
}

/** `[epoch:]version-release`, the form rpm prints for %{EVR}. */
export function formatRpmVersion(header: Pick<RpmHeader, 'epoch' | 'version' | 'release'>): string {
  return `${header.epoch === undefined ? '' : `${header.epoch}:`}${header.version}-${header.release}`;
}

/**
 * Packages that are not software: `gpg-pubkey` headers are the signing keys imported with
 * `rpm --import`, stored in the database as pseudo-packages (version = key id, release = key
 * date). They have no files, no architecture and no advisories; listing them would only add
 * noise to inventories and SBOMs.
 */
function isPseudoPackage(header: RpmHeader): boolean {
  return header.name === 'gpg-pubkey';
}

/** The package a header describes, or undefined when the header is a pseudo-package. */
export function toRpmPackage(header: RpmHeader, distro: Distro | undefined): ParsedPackage | undefined {
  if (isPseudoPackage(header)) return undefined;
  const version = formatRpmVersion(header);
  const parsedSource = header.sourceRpm ? parseSourceRpm(header.sourceRpm) : undefined;
  // The source rpm's file name carries no epoch, but every package built from one spec file shares
  // the spec's Epoch, so the binary's epoch is the source's too. Advisories compare full EVRs.
  const source: SourcePackage | undefined = parsedSource
    ? { name: parsedSource.name, version: formatRpmVersion({ ...parsedSource, epoch: header.epoch }) }
    : undefined;
  const metadata: PackageMetadata = { version: header.version, release: header.release };
  if (header.epoch !== undefined) metadata.epoch = header.epoch;
  if (header.vendor) metadata.vendor = header.vendor;
  if (header.modularityLabel) metadata.modularityLabel = header.modularityLabel;
  if (header.sourceRpm) metadata.sourceRpm = header.sourceRpm;
  if (header.size !== undefined) metadata.size = header.size;
  return {
    name: header.name,
    version,
    type: 'rpm',
    purl: buildPurl({
      type: 'rpm',
      namespace: rpmNamespace(distro),
      name: header.name,
      version: `${header.version}-${header.release}`,
      qualifiers: {
        arch: header.arch,
        epoch: header.epoch === undefined ? undefined : String(header.epoch),
        distro: distroQualifier(distro),
        upstream: header.sourceRpm,
      },
    }),
    ...(header.arch ? { arch: header.arch } : {}),
    ...(source ? { source } : {}),
    ...(header.license ? { licenses: [header.license] } : {}),
    metadata,
  };
}
