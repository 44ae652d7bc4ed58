/**
 * @module Splits control-file text (dpkg status, apk's installed database) into paragraphs.
 * @see https://www.debian.org/doc/debian-policy/ch-controlfields.html
 */

export interface Paragraph {
  /** Field values; folded continuation lines are joined with "\n". */
  fields: Map<string, string>;
  /** 1-based line where the paragraph starts, for warnings. */
  line: number;
  /** Lines that were neither a field nor a continuation. */
  malformedLines: number;
}

/**
 * Parses RFC-822-like paragraphs: "Field: value" lines, continuation lines starting with a space
 * or tab, paragraphs separated by blank lines. `separator` is ':' for dpkg and apk's single-letter
 * "P:value" form alike.
 */
export function parseParagraphs(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let lastField: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') {
      if (current) paragraphs.push(current);
      current = undefined;
      lastField = undefined;
      continue;
    }
    current ??= { fields: new Map(), line: i + 1, malformedLines: 0 };
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (lastField === undefined) {
        current.malformedLines++;
        continue;
      }
      current.fields.set(lastField, `${current.fields.get(lastField)}\n${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current.malformedLines++;
      lastField = undefined;
      continue;
    }
    lastField = line.slice(0, colon);
    current.fields.set(lastField, line.slice(colon + 1).trim());
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}
