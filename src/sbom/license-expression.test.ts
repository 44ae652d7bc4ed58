import { describe, expect, it } from 'vitest';
import { isCompoundExpression, isSpdxExpression, parseSpdxExpression } from './license-expression.js';

describe('isSpdxExpression', () => {
  it.each([
    'MIT',
    'Apache-2.0',
    'GPL-2.0+',
    'GPL-2.0-or-later',
    'MIT OR Apache-2.0',
    'MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)',
    'GPL-3.0-only WITH Classpath-exception-2.0',
    '(MIT)',
    '((MIT OR Apache-2.0) AND BSD-2-Clause) OR ISC',
    'LicenseRef-my.licence-1',
    'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2',
    '  MIT  OR\tApache-2.0 ',
    'public-domain',
  ])('accepts %j', (text) => {
    expect(isSpdxExpression(text)).toBe(true);
  });

  it.each([
    '',
    '   ',
    'NOASSERTION',
    'NONE',
    'GPLv2+ and LGPL',
    'mit or apache-2.0',
    'MIT OR',
    'OR MIT',
    'MIT AND AND BSD',
    '(MIT',
    'MIT)',
    '()',
    'MIT Apache-2.0',
    'Apache License, Version 2.0',
    'BSD (3 clause)',
    'GPL-2.0 WITH',
    'WITH Classpath-exception-2.0',
    'GPL-2.0 WITH (Classpath-exception-2.0)',
    'LicenseRef-',
    'LicenseRef-a_b',
    'DocumentRef-x:MIT',
    'Lizenz-für-alle',
    'MIT+ +',
  ])('rejects %j', (text) => {
    expect(isSpdxExpression(text)).toBe(false);
  });

  it('reports the LicenseRefs an expression uses and whether it points into another document', () => {
    expect(parseSpdxExpression('MIT OR (LicenseRef-a AND LicenseRef-b.1)')).toEqual({ licenseRefs: ['LicenseRef-a', 'LicenseRef-b.1'], usesDocumentRefs: false });
    expect(parseSpdxExpression('DocumentRef-d:LicenseRef-x')).toEqual({ licenseRefs: [], usesDocumentRefs: true });
  });

  it.each([
    ['MIT', false],
    ['GPL-2.0+', false],
    ['MIT OR Apache-2.0', true],
    ['GPL-2.0 WITH Classpath-exception-2.0', true],
    ['(MIT AND ISC)', true],
  ])('isCompoundExpression(%j) is %s', (text, compound) => {
    expect(isCompoundExpression(text)).toBe(compound);
  });
});
