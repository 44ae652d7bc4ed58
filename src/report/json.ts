/** @module The `json` scan report: the documented contract (README, "Scan results as JSON"). */
import type { ScanResult } from '../scan/scan-target.js';

export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

const EMPTY_FINDINGS = '\n  "findings": []';
/**
 * How `JSON.stringify({ findings }, null, 2)` opens and closes: its elements sit between, already
 * indented as the report's findings are (an element of a top-level key's array, four spaces in).
 */
const WRAPPER_OPEN = '{\n  "findings": [';
const WRAPPER_CLOSE = '\n  ]\n}';
/**
 * Findings serialised per piece: pieces under a hundred kilobytes, which V8 allocates and frees
 * with its young objects (a larger string goes to its large-object space until a full collection).
 */
const FINDINGS_PER_PIECE = 64;

/**
 * The same report as `renderJson`, in pieces whose concatenation is exactly its text: the rest of
 * the result, then the findings a few dozen at a time. A large report is written piece by piece
 * and never held whole (nor widened whole to two-byte text by one non-ASCII title).
 */
export function* renderJsonPieces(result: ScanResult): Generator<string> {
  const { findings } = result;
  const outline = findings.length === 0 ? undefined : JSON.stringify({ ...result, findings: [] }, null, 2);
  // The empty array's line is at depth one: no string can hold a raw line break, so it is unique.
  const at = outline?.indexOf(EMPTY_FINDINGS) ?? -1;
  if (outline === undefined || at === -1) {
    yield renderJson(result);
    return;
  }
  yield `${outline.slice(0, at)}\n  "findings": [`;
  for (let start = 0; start < findings.length; start += FINDINGS_PER_PIECE) {
    // Serialised under a "findings" key at depth one, the findings come out indented as in the
    // report: the wrapper's first and last lines are cut off, and pieces are joined by commas.
    const wrapped = JSON.stringify({ findings: findings.slice(start, start + FINDINGS_PER_PIECE) }, null, 2);
    const elements = wrapped.slice(WRAPPER_OPEN.length, wrapped.length - WRAPPER_CLOSE.length);
    yield start === 0 ? elements : `,${elements}`;
  }
  yield `\n  ]${outline.slice(at + EMPTY_FINDINGS.length)}\n`;
}
