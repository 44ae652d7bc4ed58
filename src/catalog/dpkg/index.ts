/**
 * @module The dpkg cataloger (Debian, Ubuntu and their derivatives; distroless status.d images).
 * @see https://man7.org/linux/man-pages/man1/dpkg-query.1.html
 */
import { defineCataloger } from '../cataloger.js';
import { parseDpkgStatus } from './parse-status.js';

export const dpkgCataloger = defineCataloger({
  name: 'dpkg',
  version: 1,
  reads: 'installed',
  patterns: ['/var/lib/dpkg/status', '/var/lib/dpkg/status.d/*'],
  parse: parseDpkgStatus,
});
