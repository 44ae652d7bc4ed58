/**
 * @module The poetry.lock cataloger: every locked distribution, dev-only ones marked when the
 * lock version records groups or categories.
 * @see https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePoetryLock } from './parse-poetry-lock.js';

export const pythonPoetryLockCataloger = defineCataloger({
  name: 'python-poetry-lock',
  version: 1,
  patterns: ['/**/poetry.lock'],
  parse: parsePoetryLock,
}) satisfies Cataloger;
