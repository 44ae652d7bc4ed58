/**
 * @module The rpm cataloger: the rpm package database in its SQLite, Berkeley DB and ndb formats
 * (RHEL and rebuilds, Fedora, Amazon Linux, SUSE, Oracle, Azure Linux, Photon).
 * @see https://rpm-software-management.github.io/rpm/manual/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseRpmDatabase } from './parse-database.js';

const databaseFiles = ['rpmdb.sqlite', 'Packages', 'Packages.db'];

export const rpmCataloger = defineCataloger({
  name: 'rpm',
  version: 1,
  reads: 'installed',
  // /var/lib/rpm is the classic place; Fedora 36+, openSUSE and SLE 15 SP? move the database to
  // /usr/lib/sysimage/rpm (leaving /var/lib/rpm a link); rpm-ostree systems keep it in /usr/share/rpm.
  // The format is told from the content, so every name is tried in every place.
  patterns: ['/var/lib/rpm', '/usr/lib/sysimage/rpm', '/usr/share/rpm'].flatMap((dir) => databaseFiles.map((file) => `${dir}/${file}`)),
  parse: parseRpmDatabase,
}) satisfies Cataloger;
