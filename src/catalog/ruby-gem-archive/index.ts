/**
 * @module The gem archive cataloger: every `*.gem` file (RubyGems' cache, vendor/cache, or one
 * given alone as the target), read in place (see parse-gem-archive.ts). A gem and the copy
 * installed from it have one purl, so the driver merges them.
 * @see https://guides.rubygems.org/specification-reference/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGemArchive } from './parse-gem-archive.js';

export const rubyGemArchiveCataloger = defineCataloger({
  name: 'ruby-gem-archive',
  version: 1,
  reads: 'installed',
  patterns: ['/**/*.gem'],
  parse: parseGemArchive,
}) satisfies Cataloger;
