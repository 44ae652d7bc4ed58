/**
 * @module Reads the small XML documents .NET keeps package references in (packages.config,
 * MSBuild project files) into a uniform tree: element and attribute names lower-cased (MSBuild
 * does not care about their case), every child element a list, all values strings.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  /** Attributes by lower-case name. */
  attributes: Record<string, string>;
  /** Child elements by lower-case name, in document order. */
  children: Record<string, XmlElement[]>;
  /** The element's own text, trimmed ('' when none). */
  text: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  removeNSPrefix: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  transformTagName: (name) => name.toLowerCase(),
  transformAttributeName: (name) => name.toLowerCase(),
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

function toElement(node: unknown): XmlElement {
  // No prototype: an element or attribute called "__proto__" or "constructor" is just a name.
  const element: XmlElement = { attributes: Object.create(null) as Record<string, string>, children: Object.create(null) as Record<string, XmlElement[]>, text: '' };
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') {
    element.text = String(node).trim();
    return element;
  }
  if (typeof node !== 'object' || node === null) return element;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === '@') {
      if (typeof value === 'object' && value !== null) {
        for (const [name, attribute] of Object.entries(value as Record<string, unknown>)) {
          if (typeof attribute === 'string') element.attributes[name] = attribute;
        }
      }
    } else if (key === '#text') {
      element.text = (Array.isArray(value) ? value.join('') : String(value)).trim();
    } else {
      element.children[key] = (Array.isArray(value) ? value : [value]).map(toElement);
    }
  }
  return element;
}

/**
 * The root element of a well-formed document, with its lower-case name; undefined when the text
 * is not well-formed XML.
 */
export function readXmlDocument(text: string): { name: string; root: XmlElement } | undefined {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    if (XMLValidator.validate(body) !== true) return undefined;
    const document = toElement(parser.parse(body));
    const names = Object.keys(document.children);
    if (names.length !== 1 || document.children[names[0]!]!.length !== 1) return undefined;
    return { name: names[0]!, root: document.children[names[0]!]![0]! };
  } catch {
    return undefined;
  }
}

/** Children of one name (lower case). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return Object.hasOwn(element.children, name) ? element.children[name]! : [];
}

/** An attribute, or else the text of a child element of that name (MSBuild allows both). */
export function attributeOrChild(element: XmlElement, name: string): string | undefined {
  if (Object.hasOwn(element.attributes, name)) return element.attributes[name];
  const child = childrenNamed(element, name)[0];
  return child?.text;
}
