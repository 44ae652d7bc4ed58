/**
 * @module The yarn.lock cataloger: Yarn classic (v1) and Yarn 2+ ("Berry") lockfiles. yarn.lock
 * does not say which packages are development-only, so none is marked.
 * @see https://classic.yarnpkg.com/lang/en/docs/yarn-lock/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseYarnLock } from './parse-yarn-lock.js';

export const yarnLockCataloger = defineCataloger({
  name: 'yarn-lock',
  version: 1,
  patterns: ['/**/yarn.lock'],
  parse: parseYarnLock,
}) satisfies Cataloger;
