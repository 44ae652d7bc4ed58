/**
 * @module `vigil scan <target>`: findings for a target or an SBOM, as a report and as a CI/CD gate
 * (exit 0 pass, 1 gate failed, 2 error).
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { VigilError, describeError } from '../../errors.js';
import { defaultVulnDbPath } from '../../home.js';
import { evaluateGate, parseCountThresholds, parseSeverity, countBySeverity, type GatePolicy } from '../../scan/gate.js';
import type { applyIgnoreRules, IgnoreRule } from '../../scan/ignore-file.js';
import { inventoryOf, scanInventory, type ScanResult } from '../../scan/scan-target.js';
import { VulnDbReader } from '../../vulndb/reader.js';
import { createProgress } from '../progress.js';
import { tierUpLater } from '../one-shot-tiering.js';
import { addTargetOptions, inventoryOptions, reportWarnings, warmWalkWorkerFor, type TargetFlags } from '../target-options.js';
import { writeOutput } from '../write-output.js';

const formats = ['table', 'json', 'sarif', 'cyclonedx-json'] as const;

interface ScanFlags extends TargetFlags {
  format: (typeof formats)[number];
  output?: string;
  db?: string;
  failOn?: string;
  failOnCount?: string;
  ignoreUnfixed?: boolean;
  ignoreFile?: string;
}

/** Pieces of text are written to stdout in batches of about this many characters. */
const STDOUT_BATCH = 1 << 16;

/** Writes pieces of text to stdout in batches, each written before the next is joined. */
async function writeToStdout(pieces: Iterable<string>): Promise<void> {
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    });
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= STDOUT_BATCH) {
      await write(batch);
      batch = '';
    }
  }
  if (batch !== '') await write(batch);
}

/** Exit status when the gate fails: distinct from 2, which is an error. */
export const EXIT_GATE_FAILED = 1;

export function scanCommand(): Command {
  const command = new Command('scan')
    .description('report the known vulnerabilities of a target or an SBOM file, and gate a pipeline on them')
    .argument('<target>', 'anything `vigil sbom` reads, or a CycloneDX or SPDX JSON file')
    .addOption(new Option('-f, --format <format>', 'report format').choices(formats).default('table'))
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--db <file>', 'the vulnerability database (default $VIGIL_HOME/vulndb.sqlite)')
    .option('--fail-on <severity>', 'exit 1 when any finding is at or above this severity (critical, high, medium, low)')
    .option('--fail-on-count <thresholds>', 'exit 1 when a count exceeds its threshold, such as critical=0,high=5')
    .option('--ignore-unfixed', 'leave out findings that have no fix yet')
    .option('--ignore-file <file>', 'a YAML list of { id, reason, expires? } entries to leave out');
  return addTargetOptions(command).action(async (target: string, flags: ScanFlags) => {
    // The CLI process runs this one scan: its functions tier up later.
    tierUpLater();
    // Check everything the user typed before any work is done.
    const policy: GatePolicy = {
      ...(flags.failOn ? { failOn: parseSeverity(flags.failOn, '--fail-on') } : {}),
      ...(flags.failOnCount ? { failOnCount: parseCountThresholds(flags.failOnCount, '--fail-on-count') } : {}),
    };
    let ignore: { rules: IgnoreRule[]; apply: typeof applyIgnoreRules } | undefined;
    if (flags.ignoreFile) {
      let text: string;
      try {
        text = await readFile(flags.ignoreFile, 'utf8');
      } catch (error) {
        throw new VigilError('INVALID_ARGUMENT', `cannot read --ignore-file ${flags.ignoreFile}: ${describeError(error)}`);
      }
      // The YAML reader is loaded only when there is an ignore file to read.
      const { parseIgnoreFile, applyIgnoreRules: apply } = await import('../../scan/ignore-file.js');
      ignore = { rules: parseIgnoreFile(text, flags.ignoreFile), apply };
    }
    // One scan reads each page of the database about once: a small page cache, and nothing remembered.
    const reader = VulnDbReader.open(flags.db ?? defaultVulnDbPath(), { cacheKiB: 2048, remember: false });
    const progress = createProgress({ quiet: flags.quiet ?? false });
    let result: ScanResult;
    let inventory;
    try {
      const options = await inventoryOptions(flags, progress);
      await warmWalkWorkerFor(target, flags);
      inventory = await inventoryOf(target, options);
      result = scanInventory(inventory, reader);
    } finally {
      progress.stop();
      reader.close();
    }
    let findings = result.findings;
    if (flags.ignoreUnfixed) findings = findings.filter((f) => f.fixAvailable !== 'NO');
    const ignored = ignore ? ignore.apply(findings, ignore.rules, new Date()) : { kept: findings, warnings: [] };
    findings = ignored.kept;
    result = { ...result, findings, warnings: [...result.warnings, ...ignored.warnings], summary: countBySeverity(findings) };
    // Only the chosen format's writer is loaded (the CycloneDX one brings the SBOM writers).
    if (flags.format === 'json' && !flags.output) {
      // On stdout the JSON report goes out piece by piece, never held whole.
      await writeToStdout((await import('../../report/json.js')).renderJsonPieces(result));
    } else {
      const report =
        flags.format === 'json'
          ? (await import('../../report/json.js')).renderJson(result)
          : flags.format === 'sarif'
            ? (await import('../../report/sarif.js')).renderSarif(result)
            : flags.format === 'cyclonedx-json'
              ? (await import('../../report/cyclonedx.js')).renderCycloneDxWithVulnerabilities(inventory, result)
              : (await import('../../report/table.js')).renderTable(result, { colour: !flags.output && process.stdout.isTTY === true });
      await writeOutput(report, flags.output);
    }
    reportWarnings(result.warnings, flags.quiet ?? false);
    const gate = evaluateGate(findings, policy);
    if (!gate.passed) {
      process.stderr.write(`vigil: gate failed: ${gate.reasons.join('; ')}\n`);
      process.exitCode = EXIT_GATE_FAILED;
    }
  });
}
