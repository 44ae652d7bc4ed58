/**
 * @module The composer.lock cataloger: the PHP packages a project locked, run-time and
 * require-dev (marked development). The installed copies are read by php-composer-installed;
 * both give the same purl, so a locked and installed package is one package.
 * @see https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseComposerLock } from './parse-composer-lock.js';

export const phpComposerCataloger = defineCataloger({
  name: 'php-composer',
  version: 1,
  reads: 'declared',
  patterns: ['/**/composer.lock'],
  parse: parseComposerLock,
}) satisfies Cataloger;
