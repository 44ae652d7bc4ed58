/**
 * @module Reads a small XML document (a POM) into a plain tree: names as written, without
 * namespace prefixes, every child element a list in document order, text trimmed. DOCTYPE
 * entities are never expanded; the five predefined entities and character references are.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isPlainWellFormedXml } from './plain-xml.js';

export interface XmlElement {
  /** Child elements by name, in document order. */
  children: Record<string, XmlElement[]>;
  /** The element's own text ('' when none). */
  text: string;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  textNodeName: '#text',
  parseTagValue: false,
  trimValues: true,
  removeNSPrefix: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: () => true,
});

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[body] ?? whole;
  });
}

/** Deeper documents are refused rather than walked (no POM nests more than a dozen levels); the root is level 1. */
export const MAX_XML_DEPTH = 64;

function toElement(node: unknown, depth: number): XmlElement {
  // No prototype: an element called "__proto__" or "constructor" is just a name.
  const element: XmlElement = { children: Object.create(null) as Record<string, XmlElement[]>, text: '' };
  if (depth > MAX_XML_DEPTH) throw new Error(`elements nested deeper than ${MAX_XML_DEPTH} levels`);
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') {
    element.text = decodeEntities(String(node)).trim();
    return element;
  }
  if (typeof node !== 'object' || node === null) return element;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    if (key === '#text') element.text = decodeEntities(values.map(String).join('')).trim();
    else if (!key.startsWith('?') && !key.startsWith('!')) element.children[key] = values.map((v) => toElement(v, depth + 1));
  }
  return element;
}

/** Text decoded by the encoding its XML declaration (or byte-order mark) names; UTF-8 otherwise. */
export function decodeXml(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^(?:\uFEFF|\xEF\xBB\xBF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  let text: string;
  try {
    text = new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    text = bytes.toString('utf8');
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * The root element of a well-formed document and its name (namespace prefix removed), or the
 * reason it cannot be read.
 */
export function readXmlDocument(text: string): { name: string; root: XmlElement } | { error: string } {
  try {
    // A plain document is known well-formed without the validator, which says what is wrong with others.
    const valid = isPlainWellFormedXml(text) || XMLValidator.validate(text);
    if (valid !== true) return { error: `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})` };
    const document = toElement(parser.parse(text), 0);
    const names = Object.keys(document.children);
    if (names.length !== 1 || document.children[names[0]!]!.length !== 1) return { error: 'not one root element' };
    return { name: names[0]!, root: document.children[names[0]!]![0]! };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Children of one name. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element && Object.hasOwn(element.children, name) ? element.children[name]! : [];
}

/** The first child of one name. */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return childrenNamed(element, name)[0];
}

/** The text of the first child of one name, undefined when absent or empty. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const text = child(element, name)?.text;
  return text === undefined || text === '' ? undefined : text;
}
