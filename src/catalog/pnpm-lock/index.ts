/**
 * @module The pnpm-lock.yaml cataloger: lockfile versions 5.x, 6 and 9.
 * @see https://github.com/pnpm/spec/tree/master/lockfile
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePnpmLock } from './parse-pnpm-lock.js';

export const pnpmLockCataloger = defineCataloger({
  name: 'pnpm-lock',
  version: 1,
  reads: 'declared',
  patterns: ['/**/pnpm-lock.yaml'],
  parse: parsePnpmLock,
}) satisfies Cataloger;
