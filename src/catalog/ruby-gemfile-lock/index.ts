/**
 * @module The Gemfile.lock cataloger: the gems Bundler resolved, from GEM (rubygems.org or another
 * gem server), GIT and PATH sources, with their platforms and checksums. Gemfile.lock does not
 * record Gemfile groups, so no gem is marked development-only.
 * @see https://bundler.io/guides/bundler_setup.html
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGemfileLock } from './parse-gemfile-lock.js';

export const rubyGemfileLockCataloger = defineCataloger({
  name: 'ruby-gemfile-lock',
  version: 1,
  reads: 'declared',
  patterns: ['/**/Gemfile.lock', '/**/gems.locked'],
  parse: parseGemfileLock,
}) satisfies Cataloger;
