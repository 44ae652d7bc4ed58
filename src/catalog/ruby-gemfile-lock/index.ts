/**
 * @module The Gemfile.lock cataloger: the gems Bundler resolved, from GEM (rubygems.org or another
 * gem server), GIT and PATH sources, with their platforms and checksums; the gems only the
 * Gemfile's development and test groups need are marked development (see development.ts).
 * @see https://bundler.io/guides/bundler_setup.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGemfileLock } from './parse-gemfile-lock.js';

export const rubyGemfileLockCataloger = defineCataloger({
  name: 'ruby-gemfile-lock',
  version: 2,
  reads: 'declared',
  patterns: ['/**/Gemfile.lock', '/**/gems.locked'],
  parse: parseGemfileLock,
}) satisfies Cataloger;
