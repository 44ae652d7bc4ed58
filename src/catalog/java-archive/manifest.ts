/**
 * @module Reads a JAR manifest (META-INF/MANIFEST.MF): its main section's attributes. Lines are
 * at most 72 bytes; a longer value goes on in lines that begin with one space, and the split can
 * fall inside a UTF-8 character, so lines are joined as bytes before they are decoded.
 * @see https://docs.oracle.com/en/java/javase/17/docs/specs/jar/jar.html#jar-manifest
 */

/** Main-section attributes, keyed by lower-case name (attribute names are case-insensitive). */
export type Manifest = Map<string, string>;

/** The attributes of the main section (the first one, up to the first blank line). */
export function parseManifest(bytes: Buffer): Manifest {
  const attributes: Manifest = new Map();
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    const byte = bytes[i];
    if (i < bytes.length && byte !== 0x0a && byte !== 0x0d) continue;
    lines.push(bytes.subarray(start, i));
    if (byte === 0x0d && bytes[i + 1] === 0x0a) i++;
    start = i + 1;
  }
  const logical: Buffer[][] = [];
  for (const line of lines) {
    if (line.length === 0) {
      if (logical.length > 0) break; // end of the main section
      continue;
    }
    if (line[0] === 0x20) {
      // A continuation of the previous line; one before any header is ignored.
      logical.at(-1)?.push(line.subarray(1));
      continue;
    }
    logical.push([line]);
  }
  for (const parts of logical) {
    const text = Buffer.concat(parts).toString('utf8');
    const colon = text.indexOf(':');
    if (colon <= 0) continue;
    const name = text.slice(0, colon).trim().toLowerCase();
    // "Name: value": one space after the colon; tolerate none or several.
    const value = text.slice(colon + 1).replace(/^ +/, '').trimEnd();
    if (name === '' || /\s/.test(name) || attributes.has(name)) continue;
    attributes.set(name, value);
  }
  return attributes;
}
