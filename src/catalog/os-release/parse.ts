/**
 * @module Parsers for the files that name a Linux distribution: os-release and its older fallbacks.
 * @see https://www.freedesktop.org/software/systemd/man/latest/os-release.html
 */
import type { Distro } from '../../model/distro.js';

/**
 * Parses os-release's shell-compatible KEY=value lines: values may be bare, 'single-quoted' or
 * "double-quoted" with backslash escapes; comments and malformed lines are ignored.
 */
export function parseOsReleaseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    fields.set(match[1]!, unquote(match[2]!));
  }
  return fields;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\([\\$"`])/g, '$1');
  }
  return value;
}

export function parseOsRelease(text: string, source: string): Distro | undefined {
  const fields = parseOsReleaseFields(text);
  const id = fields.get('ID')?.toLowerCase();
  if (!id) return undefined;
  const distro: Distro = {
    id,
    idLike: (fields.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    source,
  };
  const versionId = fields.get('VERSION_ID');
  if (versionId) distro.versionId = versionId;
  const codename = fields.get('VERSION_CODENAME') || fields.get('UBUNTU_CODENAME');
  if (codename) distro.codename = codename;
  const name = fields.get('NAME');
  if (name) distro.name = name;
  const prettyName = fields.get('PRETTY_NAME');
  if (prettyName) distro.prettyName = prettyName;
  const cpeName = fields.get('CPE_NAME');
  if (cpeName) distro.cpeName = cpeName;
  return distro;
}

/** /etc/alpine-release holds the full release, such as "3.20.1". */
export function parseAlpineRelease(text: string, source: string): Distro | undefined {
  const version = text.trim().split(/\s+/)[0];
  if (!version) return undefined;
  return { id: 'alpine', versionId: version, idLike: [], name: 'Alpine Linux', source };
}

const debianCodenames: Record<string, string> = {
  '7': 'wheezy',
  '8': 'jessie',
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
  '14': 'forky',
};

/**
 * /etc/debian_version holds a point release ("12.5") on stable releases and "codename/sid" on
 * testing and unstable. Debian's own os-release uses the major number as VERSION_ID.
 */
export function parseDebianVersion(text: string, source: string): Distro | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const numeric = /^(\d+)(?:\.\d+)*$/.exec(value);
  if (numeric) {
    const major = numeric[1]!;
    const distro: Distro = { id: 'debian', versionId: major, idLike: [], name: 'Debian GNU/Linux', source };
    const codename = debianCodenames[major];
    if (codename) distro.codename = codename;
    return distro;
  }
  const codename = /^([a-z]+)\/sid$/.exec(value)?.[1];
  return { id: 'debian', idLike: [], name: 'Debian GNU/Linux', ...(codename ? { codename } : {}), source };
}

/** Release-file names as the distributions print them, mapped to os-release IDs. */
const releaseNames: Array<[RegExp, string]> = [
  [/^Red Hat Enterprise Linux/i, 'rhel'],
  [/^CentOS Stream/i, 'centos'],
  [/^CentOS/i, 'centos'],
  [/^Rocky Linux/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Fedora/i, 'fedora'],
  [/^Oracle Linux/i, 'ol'],
  [/^Amazon Linux/i, 'amzn'],
  [/^Scientific Linux/i, 'scientific'],
];

/**
 * Parses /etc/redhat-release and /etc/system-release lines such as
 * "Rocky Linux release 9.3 (Blue Onyx)" or "Amazon Linux release 2 (Karoo)".
 */
export function parseRedHatRelease(text: string, source: string): Distro | undefined {
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  const match = /^(.*?)\s+release\s+([0-9][0-9.]*)\s*(?:\((.*)\))?/i.exec(line);
  if (!match) return undefined;
  const name = match[1]!;
  const id = releaseNames.find(([pattern]) => pattern.test(name))?.[1];
  if (!id) return undefined;
  let versionId = match[2]!;
  // RHEL-family os-release files give major.minor; CentOS 7's "7.9.2009" becomes "7".
  if (id === 'centos') versionId = versionId.split('.')[0]!;
  const distro: Distro = { id, versionId, idLike: id === 'rhel' || id === 'amzn' ? [] : ['rhel', 'fedora'], name, prettyName: line, source };
  const codename = match[3];
  if (codename) distro.codename = codename;
  return distro;
}
