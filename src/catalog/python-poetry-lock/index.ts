/**
 * @module The poetry.lock cataloger: every locked distribution, dev-only ones marked as the lock
 * records them (groups, categories) or, for locks that record neither, as pyproject.toml beside it says.
 * @see https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePoetryLock } from './parse-poetry-lock.js';

export const pythonPoetryLockCataloger = defineCataloger({
  name: 'python-poetry-lock',
  version: 2,
  reads: 'declared',
  patterns: ['/**/poetry.lock'],
  parse: parsePoetryLock,
}) satisfies Cataloger;
