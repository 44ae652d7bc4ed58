/**
 * The license names of a POM — exactly what readPom(bytes).model.licenses holds, [] when readPom
 * finds no POM — without parsing the whole document into a tree. A jar's pom.xml is read for its
 * licenses alone, and parsing a POM of tens of kilobytes (dependency management, plugins, profiles)
 * costs far more than the licenses are worth: it was the dearest step of reading a jar.
 *
 * The document is judged as readPom judges it: validated whole by the same validator (a plain one
 * by the quicker test that agrees with it, plain-xml.ts), deeper than readXmlDocument's limit
 * refused, the root named project. Only the root's first <licenses>
 * child is then parsed, cut out and wrapped in the root's own tag: ignoring attributes, entities
 * left as written and namespace prefixes stripped by name, the parser reads an element alike
 * wherever it stands. The cut follows the parser's own tokenising (comments, CDATA, processing
 * instructions, quoted attribute values, self-closing tags); a document with a DOCTYPE, or anything
 * else the cut does not follow, is read by readPom whole.
 */
import { XMLValidator } from 'fast-xml-parser';
import { readPom, readPomModel } from './parse-pom.js';
import { isPlainWellFormedXml } from './plain-xml.js';
import { decodeXml, MAX_XML_DEPTH, readXmlDocument } from './xml.js';

/** A start tag <licenses>, <licenses/>, <prefix:licenses …> or <:licenses>: without one, no POM lists licenses. */
const LICENSES_TAG = /<(?:[^\s<>/:]*:)?licenses[\s>/]/;

interface PomShape {
  /** The root element's name as written (prefix included). */
  rootName: string;
  /** Where the root's first <licenses> child is, start tag to end tag. */
  licenses?: { start: number; end: number };
  /** The deepest element, the root being 1. */
  maxDepth: number;
}

/** After a quote-aware search from `from` for `close`: the index of its first character, or -1. */
function indexOutsideQuotes(text: string, from: number, close: string): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34 || code === 39) {
      i = text.indexOf(text[i]!, i + 1);
      if (i === -1) return -1;
    } else if (text.startsWith(close, i)) {
      return i;
    }
  }
  return -1;
}

/**
 * The document's element structure as fast-xml-parser builds it, or undefined when the document
 * holds something this does not follow (a DOCTYPE, a markup declaration, an unclosed construct).
 */
function scanPomShape(text: string): PomShape | undefined {
  let depth = 0;
  let maxDepth = 0;
  let rootName: string | undefined;
  let licensesStart = -1;
  let licenses: { start: number; end: number } | undefined;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next === 47) {
      // '</…>': the parser closes the current element, whatever the name.
      const close = text.indexOf('>', i);
      if (close === -1) return undefined;
      depth--;
      if (depth === 1 && licensesStart !== -1 && !licenses) licenses = { start: licensesStart, end: close + 1 };
      i = close;
    } else if (next === 63) {
      // '<?…?>': the declaration or a processing instruction.
      const close = indexOutsideQuotes(text, i + 1, '?>');
      if (close === -1) return undefined;
      i = close + 1;
    } else if (next === 33) {
      if (text.startsWith('<!--', i)) {
        const close = text.indexOf('-->', i + 4);
        if (close === -1) return undefined;
        i = close + 2;
      } else if (text.startsWith('<![', i)) {
        const close = text.indexOf(']]>', i);
        if (close === -1) return undefined;
        i = close + 2;
      } else {
        return undefined; // a DOCTYPE, or a declaration outside one
      }
    } else {
      const close = indexOutsideQuotes(text, i + 1, '>');
      if (close === -1) return undefined;
      // The parser's reading of a start tag: the name ends at the first white space, and the tag
      // closes itself when what follows the name (or the name, alone) ends with '/'.
      const data = text.slice(i + 1, close).replace(/\t/g, ' ');
      const separator = data.search(/\s/);
      let name = separator === -1 ? data : data.slice(0, separator);
      const rest = separator === -1 ? data : data.slice(separator + 1).trimStart();
      const selfClosing = rest.length > 0 && rest.endsWith('/');
      if (selfClosing && name.endsWith('/')) name = name.slice(0, -1);
      const level = depth + 1;
      maxDepth = Math.max(maxDepth, level);
      if (level === 1 && rootName === undefined) rootName = name;
      if (level === 2 && licensesStart === -1 && name.slice(name.indexOf(':') + 1) === 'licenses') {
        licensesStart = i;
        if (selfClosing) licenses = { start: i, end: close + 1 };
      }
      if (!selfClosing) depth++;
      i = close;
    }
  }
  return rootName === undefined ? undefined : { rootName, maxDepth, ...(licenses ? { licenses } : {}) };
}

function licensesOfWholePom(bytes: Buffer): string[] {
  const pom = readPom(bytes);
  return 'model' in pom ? pom.model.licenses : [];
}

export function readPomLicenses(bytes: Buffer): string[] {
  const text = decodeXml(bytes);
  // Most POMs list no licenses: a plain search turns them away before the tag is looked for.
  if (!text.includes('licenses') || !LICENSES_TAG.test(text)) return [];
  const shape = scanPomShape(text);
  if (!shape) return licensesOfWholePom(bytes);
  // No <licenses> under the root, or elements deeper than readXmlDocument reads: no licenses either way.
  if (!shape.licenses || shape.maxDepth > MAX_XML_DEPTH) return [];
  if (!isPlainWellFormedXml(text) && XMLValidator.validate(text) !== true) return [];
  const { start, end } = shape.licenses;
  const document = readXmlDocument(`<${shape.rootName}>${text.slice(start, end)}</${shape.rootName}>`);
  if ('error' in document || document.name !== 'project') return [];
  return readPomModel(document.root).licenses;
}
