/**
 * @module The Pipfile.lock cataloger (pipenv): default and develop packages, develop-only ones
 * marked development.
 * @see https://pipenv.pypa.io/en/latest/pipfile.html#pipfile-lock
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parsePipfileLock } from './parse-pipfile-lock.js';

export const pythonPipfileLockCataloger = defineCataloger({
  name: 'python-pipfile-lock',
  version: 1,
  reads: 'declared',
  patterns: ['/**/Pipfile.lock'],
  parse: parsePipfileLock,
}) satisfies Cataloger;
