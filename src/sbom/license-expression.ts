/**
 * @module Checks that a licence string is a syntactically valid SPDX licence expression.
 *
 * Only the grammar is checked (SPDX 2.3 Annex D): identifiers made of letters, digits, `.` and
 * `-` (optionally followed by `+`), `LicenseRef-…`, `DocumentRef-…:LicenseRef-…`, joined by the
 * case-sensitive operators AND, OR and WITH, with parentheses. Whether an identifier is on the SPDX
 * licence list is not checked: Vigil carries no copy of the list at run time.
 * @see https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/
 */

const idstring = /^[A-Za-z0-9.-]+$/;

export interface SpdxExpressionFacts {
  /** `LicenseRef-…` identifiers used (without a DocumentRef prefix). */
  licenseRefs: string[];
  /** True when the expression points into another document (`DocumentRef-…:LicenseRef-…`). */
  usesDocumentRefs: boolean;
}

type Token = { kind: 'open' | 'close' | 'and' | 'or' | 'with' } | { kind: 'id'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const words = text.replace(/[()]/g, (bracket) => ` ${bracket} `).split(/[ \t\r\n]+/).filter((w) => w !== '');
  for (const word of words) {
    if (word === '(') tokens.push({ kind: 'open' });
    else if (word === ')') tokens.push({ kind: 'close' });
    else if (word === 'AND') tokens.push({ kind: 'and' });
    else if (word === 'OR') tokens.push({ kind: 'or' });
    else if (word === 'WITH') tokens.push({ kind: 'with' });
    else tokens.push({ kind: 'id', text: word });
  }
  return tokens;
}

/** A simple licence reference: `MIT`, `GPL-2.0+`, `LicenseRef-x`, `DocumentRef-a:LicenseRef-b`. */
function isLicenseReference(text: string, facts: SpdxExpressionFacts): boolean {
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const documentRef = text.slice(0, colon);
    const licenseRef = text.slice(colon + 1);
    if (!documentRef.startsWith('DocumentRef-') || !licenseRef.startsWith('LicenseRef-')) return false;
    if (!idstring.test(documentRef.slice('DocumentRef-'.length)) || !idstring.test(licenseRef.slice('LicenseRef-'.length))) return false;
    facts.usesDocumentRefs = true;
    return true;
  }
  if (text.startsWith('LicenseRef-')) {
    if (!idstring.test(text.slice('LicenseRef-'.length))) return false;
    facts.licenseRefs.push(text);
    return true;
  }
  const id = text.endsWith('+') ? text.slice(0, -1) : text;
  return idstring.test(id);
}

/**
 * Parses `text` as an SPDX licence expression; returns what it refers to, or undefined when the
 * text is not a valid expression. `NONE` and `NOASSERTION` are not expressions (they are
 * special values of SPDX fields) and are rejected.
 */
export function parseSpdxExpression(text: string): SpdxExpressionFacts | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;
  const facts: SpdxExpressionFacts = { licenseRefs: [], usesDocumentRefs: false };
  let position = 0;

  // expression := and-expression ( 'OR' and-expression )*
  // and-expression := with-expression ( 'AND' with-expression )*
  // with-expression := primary ( 'WITH' exception-id )?
  // primary := '(' expression ')' | licence-reference
  const parseExpression = (): boolean => {
    if (!parseAnd()) return false;
    while (tokens[position]?.kind === 'or') {
      position++;
      if (!parseAnd()) return false;
    }
    return true;
  };
  const parseAnd = (): boolean => {
    if (!parseWith()) return false;
    while (tokens[position]?.kind === 'and') {
      position++;
      if (!parseWith()) return false;
    }
    return true;
  };
  const parseWith = (): boolean => {
    const token = tokens[position];
    if (token?.kind === 'open') {
      position++;
      if (!parseExpression()) return false;
      if (tokens[position]?.kind !== 'close') return false;
      position++;
      return true;
    }
    if (token?.kind !== 'id' || token.text === 'NONE' || token.text === 'NOASSERTION') return false;
    if (!isLicenseReference(token.text, facts)) return false;
    position++;
    if (tokens[position]?.kind === 'with') {
      position++;
      const exception = tokens[position];
      if (exception?.kind !== 'id' || !idstring.test(exception.text)) return false;
      position++;
    }
    return true;
  };

  if (!parseExpression() || position !== tokens.length) return undefined;
  return facts;
}

export function isSpdxExpression(text: string): boolean {
  return parseSpdxExpression(text) !== undefined;
}

/** True when the expression has an operator outside any parentheses, so it needs them when combined. */
export function isCompoundExpression(text: string): boolean {
  return /(^|[\s)])(AND|OR|WITH)([\s(]|$)/.test(text);
}
