/**
 * @module The Python wheel cataloger: every `*.whl` file, read in place (see parse-wheel.ts), in a
 * tree, a function package or its layers, or given alone as the target. Names are PEP
 * 503-normalised, as the other Python catalogers' are, so a wheel and the distribution installed
 * from it are one package with two locations.
 * @see https://packaging.python.org/en/latest/specifications/binary-distribution-format/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseWheel } from './parse-wheel.js';

export const pythonWheelCataloger = defineCataloger({
  name: 'python-wheel',
  version: 1,
  reads: 'installed',
  patterns: ['/**/*.whl'],
  parse: parseWheel,
}) satisfies Cataloger;
