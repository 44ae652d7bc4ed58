/**
 * @module The npm lockfile cataloger: package-lock.json and npm-shrinkwrap.json, lockfileVersion 1 to 3.
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePackageLock } from './parse-package-lock.js';

export const npmLockfileCataloger = defineCataloger({
  name: 'npm-lockfile',
  version: 1,
  reads: 'declared',
  patterns: ['/**/package-lock.json', '/**/npm-shrinkwrap.json'],
  parse: parsePackageLock,
}) satisfies Cataloger;
