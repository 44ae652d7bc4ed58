/**
 * @module The pip requirements file cataloger: the versions a requirements*.txt (or a file in a
 * requirements/ folder) pins with `==` or `===`, includes followed; everything left unpinned is
 * counted in one warning per file.
 * @see https://pip.pypa.io/en/stable/reference/requirements-file-format/
 */
import { defineCataloger, type Cataloger } from '../cataloger.js';
import { parseRequirements } from './parse-requirements.js';

export const pythonRequirementsCataloger = defineCataloger({
  name: 'python-requirements',
  version: 1,
  reads: 'declared',
  patterns: ['/**/requirements*.txt', '/**/requirements/*.txt'],
  parse: parseRequirements,
}) satisfies Cataloger;
