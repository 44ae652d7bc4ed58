/**
 * @module The installed-gem cataloger: the specification files RubyGems writes for every gem it
 * installs (GEM_HOME/specifications/*.gemspec) and for the default gems Ruby ships with
 * (specifications/default/*.gemspec). Read as text, never evaluated.
 * @see https://guides.rubygems.org/specification-reference/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGemspec } from './parse-gemspec.js';

export const rubyGemspecCataloger = defineCataloger({
  name: 'ruby-gemspec',
  version: 1,
  reads: 'installed',
  patterns: ['/**/specifications/*.gemspec', '/**/specifications/default/*.gemspec'],
  parse: parseGemspec,
}) satisfies Cataloger;
