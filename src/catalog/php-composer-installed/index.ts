/**
 * @module The installed Composer packages cataloger: vendor/composer/installed.json (Composer 1
 * and 2), the packages actually present in a vendor folder, dev ones marked when Composer 2 says
 * which they are. A custom vendor-dir keeps the composer/installed.json tail, so the pattern
 * does not insist on "vendor".
 * @see https://getcomposer.org/doc/07-runtime.md#installed-versions
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseInstalledJson } from './parse-installed-json.js';

export const phpComposerInstalledCataloger = defineCataloger({
  name: 'php-composer-installed',
  version: 1,
  reads: 'installed',
  patterns: ['/**/composer/installed.json'],
  parse: parseInstalledJson,
}) satisfies Cataloger;
