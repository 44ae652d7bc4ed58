/**
 * @module The uv.lock cataloger: every locked distribution but the project and its workspace
 * members, dev-only ones (reached only from dev dependency groups) marked development.
 * @see https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseUvLock } from './parse-uv-lock.js';

export const pythonUvLockCataloger = defineCataloger({
  name: 'python-uv-lock',
  version: 1,
  reads: 'declared',
  patterns: ['/**/uv.lock'],
  parse: parseUvLock,
}) satisfies Cataloger;
