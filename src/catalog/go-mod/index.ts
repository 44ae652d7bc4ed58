/**
 * @module go.mod: the modules a Go project requires (with replace and exclude applied), one
 * version per module as minimal version selection picks.
 * @see https://go.dev/ref/mod#go-mod-file
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseGoModText } from './parse-go-mod.js';

export const goModCataloger = defineCataloger({
  name: 'go-mod',
  version: 1,
  reads: 'declared',
  patterns: ['/**/go.mod'],
  parse: async (file, ctx) => parseGoModText(await file.text(), ctx),
}) satisfies Cataloger;
