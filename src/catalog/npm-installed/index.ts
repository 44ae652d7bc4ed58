/**
 * @module The installed npm packages cataloger: the package.json at the root of every package
 * under a node_modules folder (npm, yarn's node_modules linker, pnpm's .pnpm store alike).
 * @see https://docs.npmjs.com/cli/v10/configuring-npm/folders#node-modules
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseInstalledManifest } from './parse-package-json.js';

export const npmInstalledCataloger = defineCataloger({
  name: 'npm-installed',
  version: 1,
  reads: 'installed',
  patterns: ['/**/node_modules/*/package.json', '/**/node_modules/@*/*/package.json'],
  parse: parseInstalledManifest,
}) satisfies Cataloger;
