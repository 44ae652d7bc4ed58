/**
 * @module The pdm.lock cataloger: every locked distribution, development-only ones marked from
 * the lock's groups and the pyproject.toml beside it.
 * @see https://pdm-project.org/latest/usage/lockfile/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePdmLock } from './parse-pdm-lock.js';

export const pythonPdmLockCataloger = defineCataloger({
  name: 'python-pdm-lock',
  version: 1,
  reads: 'declared',
  patterns: ['/**/pdm.lock'],
  parse: parsePdmLock,
}) satisfies Cataloger;
