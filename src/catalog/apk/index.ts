/**
 * @module The apk cataloger (Alpine Linux, Wolfi, Chainguard images).
 * @see https://wiki.alpinelinux.org/wiki/Apk_spec
 */
import { defineCataloger } from '../cataloger.js';
import { parseApkInstalled } from './parse-installed.js';

export const apkCataloger = defineCataloger({
  name: 'apk',
  version: 1,
  reads: 'installed',
  // apk-tools 3 moves the database under /usr; both places are read.
  patterns: ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'],
  parse: parseApkInstalled,
});
