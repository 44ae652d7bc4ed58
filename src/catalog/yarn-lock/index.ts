/**
 * @module The yarn.lock cataloger: Yarn classic (v1) and Yarn 2+ ("Berry") lockfiles. yarn.lock
 * does not say which packages are development-only: the project's package.json beside it does,
 * through the lock's dependency graph (development.ts).
 * @see https://classic.yarnpkg.com/lang/en/docs/yarn-lock/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseYarnLock } from './parse-yarn-lock.js';

export const yarnLockCataloger = defineCataloger({
  name: 'yarn-lock',
  version: 2,
  reads: 'declared',
  patterns: ['/**/yarn.lock'],
  parse: parseYarnLock,
}) satisfies Cataloger;
