/**
 * @module Reads a JAR manifest (META-INF/MANIFEST.MF): its main section's attributes. Lines are
 * at most 72 bytes; a longer value goes on in lines that begin with one space, and the split can
 * fall inside a UTF-8 character, so lines are joined as bytes before they are decoded.
 * @see https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html#jar-manifest
 */

/** Main-section attributes, keyed by lower-case name (attribute names are case-insensitive). */
export type Manifest = Map<string, string>;

/**
 * The attributes of the main section (the first one, up to the first blank line). Reading stops
 * there: a signed jar's manifest goes on with a section per entry, a digest in each, and can run
 * to hundreds of kilobytes.
 */
export function parseManifest(bytes: Buffer): Manifest {
  const attributes: Manifest = new Map();
  /** The logical line being read: a header line and its continuations. */
  let parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== 0x0a && byte !== 0x0d) continue;
    const line = bytes.subarray(start, i);
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    start = i + 1;
    if (line.length === 0) {
      if (parts.length > 0) break; // end of the main section
      continue;
    }
    if (line[0] === 0x20) {
      // A continuation of the previous line; one before any header is ignored.
      if (parts.length > 0) parts.push(line.subarray(1));
      continue;
    }
    addAttribute(attributes, parts);
    parts = [line];
  }
  addAttribute(attributes, parts);
  return attributes;
}

/** Adds the attribute a logical line (its parts, joined as bytes) holds, unless one of its name came first. */
function addAttribute(attributes: Manifest, parts: readonly Buffer[]): void {
  if (parts.length === 0) return;
  const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return;
  const name = text.slice(0, colon).trim().toLowerCase();
  // "Name: value": one space after the colon; tolerate none or several.
  const value = text.slice(colon + 1).replace(/^ +/, '').trimEnd();
  if (name === '' || /\s/.test(name) || attributes.has(name)) return;
  attributes.set(name, value);
}
