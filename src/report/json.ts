/** @module The `json` scan report: the documented contract (README, "Scan results as JSON"). */
import type { ScanResult } from '../scan/scan-target.js';

export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
