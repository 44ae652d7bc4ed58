/**
 * @module The `table` scan report: findings grouped by severity, most severe first, a summary line
 * at the end; coloured only when writing to a terminal.
 */
import { severities, type Finding, type Severity } from '../model/finding.js';
import type { ScanResult } from '../scan/scan-target.js';

const colours: Record<Severity, string> = {
  CRITICAL: '\x1b[1;31m',
  HIGH: '\x1b[31m',
  MEDIUM: '\x1b[33m',
  LOW: '\x1b[36m',
  INFORMATIONAL: '\x1b[37m',
  UNTRIAGED: '\x1b[35m',
};
const reset = '\x1b[0m';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export function renderTable(result: ScanResult, options: { colour: boolean }): string {
  const paint = (severity: Severity, text: string) => (options.colour ? `${colours[severity]}${text}${reset}` : text);
  const lines: string[] = [];
  const target = result.target.name;
  const os = result.os ? ` (${result.os.id}${result.os.version ? ` ${result.os.version}` : ''})` : '';
  lines.push(`${target}${os}`);
  for (const severity of severities) {
    const group = result.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push('', paint(severity, `${severity} (${group.length})`));
    const rows = group.map((f: Finding) => [
      f.vulnerabilityId,
      f.score === null ? '-' : f.score.toFixed(1),
      `${f.package.name} ${f.package.version}`,
      f.fixedInVersion ?? (f.fixAvailable === 'NO' ? 'no fix' : '-'),
      f.exploitAvailable === 'YES' ? 'KEV' : '',
      truncate(f.title, 60),
    ]);
    const header = ['ID', 'SCORE', 'PACKAGE', 'FIXED IN', 'EXPLOIT', 'TITLE'];
    const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    lines.push(`  ${header.map((h, i) => pad(h, widths[i]!)).join('  ')}`.trimEnd());
    for (const row of rows) lines.push(`  ${row.map((cell, i) => (i === row.length - 1 ? cell : pad(truncate(cell, widths[i]!), widths[i]!))).join('  ')}`.trimEnd());
  }
  const counts = severities.map((s) => `${result.summary[s]} ${s.toLowerCase()}`).join(', ');
  const total = result.findings.length;
  lines.push('', `${total} finding${total === 1 ? '' : 's'}: ${counts}`);
  return `${lines.join('\n')}\n`;
}
