/**
 * @module The installed Python distributions cataloger: every dist-info, egg-info and egg in a
 * site-packages or dist-packages folder (and anywhere else, as virtualenvs, wheels unpacked in
 * Lambda layers and vendored trees put them). Names are PEP 503-normalised (see pypi-package.ts).
 * @see https://packaging.python.org/en/latest/specifications/recording-installed-packages/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseInstalledPython } from './parse-installed.js';

export const pythonInstalledCataloger = defineCataloger({
  name: 'python-installed',
  version: 1,
  reads: 'installed',
  patterns: ['/**/*.dist-info/METADATA', '/**/*.egg-info/PKG-INFO', '/**/*.egg-info', '/**/*.egg', '/**/*.egg/EGG-INFO/PKG-INFO'],
  parse: parseInstalledPython,
}) satisfies Cataloger;
