/**
 * @module A quick yes for the documents fast-xml-parser's validator accepts that are plain: an XML
 * declaration first or none; elements with ASCII names and double- or single-quoted attributes;
 * comments; CDATA sections; text whose '&' starts a reference the validator accepts; one root.
 * POMs are nearly all like that, and the validator, which builds every tag name and attribute
 * string a character at a time, was the dearest step of reading a jar's pom.xml. For anything
 * else (a DOCTYPE, a processing instruction past the start, odd white space, any error) the answer
 * is "not known": ask the validator, which also says what is wrong.
 * @see https://github.com/NaturalIntelligence/fast-xml-parser/blob/master/src/validator.js
 */

/** The validator's white space (isWhiteSpace): these four only. */
const SPACE = '[ \\t\\n\\r]';
/** The ASCII part of the validator's names (isName): ':', letters and '_' first, then '-', '.' and digits too. */
const NAME = '[:A-Za-z_][:A-Za-z0-9_.-]*';
/** A start tag: its name, its attributes (each after white space, `=` and a quoted value), and '/' if it closes itself. */
const START_TAG = new RegExp(`<(${NAME})((?:${SPACE}+${NAME}${SPACE}*=${SPACE}*(?:"[^"]*"|'[^']*'))*)${SPACE}*(/?)>`, 'y');
const ATTRIBUTE_NAME = new RegExp(`${SPACE}+(${NAME})${SPACE}*=`, 'g');
const END_TAG = new RegExp(`</(${NAME})${SPACE}*>`, 'y');
const ONLY_SPACE = new RegExp(`^${SPACE}*$`);
/** A reference the validator accepts after '&': up to 20 word characters, or '#' and digits (hex after 'x'), then ';'. */
const REFERENCE = /&(?:\w{1,20}|#x[\da-fA-F]*|#\d*);/y;

/** Whether `text[from, to)` is text the validator accepts inside the root: any '&' starts a reference. */
function isPlainText(text: string, from: number, to: number): boolean {
  for (let amp = text.indexOf('&', from); amp !== -1 && amp < to; amp = text.indexOf('&', amp + 1)) {
    REFERENCE.lastIndex = amp;
    if (!REFERENCE.test(text) || REFERENCE.lastIndex > to) return false;
  }
  return true;
}

/** Whether the attributes of one start tag name each attribute once. */
function hasDistinctAttributes(attributes: string): boolean {
  if (attributes === '') return true;
  const names = new Set<string>();
  for (const match of attributes.matchAll(ATTRIBUTE_NAME)) {
    if (names.has(match[1]!)) return false;
    names.add(match[1]!);
  }
  return true;
}

/**
 * True only when fast-xml-parser's XMLValidator.validate(text) returns true; false when the
 * document is not plain (or not well-formed), and only the validator can say.
 */
export function isPlainWellFormedXml(text: string): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const start = i;
  // The declaration, at the very start only (the validator refuses one anywhere else).
  if (text.startsWith('<?xml', i) && (text[i + 5] === ' ' || text[i + 5] === '?')) {
    const end = text.indexOf('?>', i + 2);
    if (end === -1) return false;
    i = end + 2;
  }
  const open: string[] = [];
  let closedRoot = false;
  for (;;) {
    const next = text.indexOf('<', i);
    const to = next === -1 ? text.length : next;
    // Text: only white space outside the root; inside it, '&' must start a reference.
    if (open.length === 0 ? !ONLY_SPACE.test(text.slice(i, to)) : !isPlainText(text, i, to)) return false;
    if (next === -1) break;
    i = next;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) return false;
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      // Skipped whole by the validator, up to the first "]]>"; taken inside the root only.
      const end = text.indexOf(']]>', i + 9);
      if (end === -1 || open.length === 0) return false;
      i = end + 3;
    } else if (text.startsWith('</', i)) {
      END_TAG.lastIndex = i;
      const match = END_TAG.exec(text);
      if (!match || open.pop() !== match[1]) return false;
      if (open.length === 0) closedRoot = true;
      i = END_TAG.lastIndex;
    } else {
      START_TAG.lastIndex = i;
      const match = START_TAG.exec(text);
      if (!match || closedRoot || !hasDistinctAttributes(match[2]!)) return false;
      if (match[3] !== '/') open.push(match[1]!);
      else if (open.length === 0) closedRoot = true;
      i = START_TAG.lastIndex;
    }
  }
  return i > start && closedRoot && open.length === 0;
}
