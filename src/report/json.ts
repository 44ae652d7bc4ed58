/** @module The `json` scan report: the documented contract (README, "Scan results as JSON"). */
import type { ScanResult } from '../scan/scan-target.js';

export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** How a finding sits in the report: an element of a top-level key's array, four spaces in. */
const FINDING_INDENT = '\n    ';
const EMPTY_FINDINGS = '\n  "findings": []';

/**
 * The same report as `renderJson`, in pieces whose concatenation is exactly its text: the rest of
 * the result, then each finding serialised alone. A large report is written piece by piece and
 * never held whole (nor widened whole to two-byte text by one non-ASCII title).
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
  for (let i = 0; i < findings.length; i++) {
    yield `${i === 0 ? '' : ','}${FINDING_INDENT}${JSON.stringify(findings[i], null, 2).replaceAll('\n', FINDING_INDENT)}`;
  }
  yield `\n  ]${outline.slice(at + EMPTY_FINDINGS.length)}\n`;
}
