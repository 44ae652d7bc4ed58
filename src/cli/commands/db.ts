/** @module `vigil db`: import, update, inspect and search the vulnerability database. */
import { Command } from 'commander';
import { defaultVulnDbPath } from '../../home.js';
import { describeVulnerability, type VulnerabilityEntry } from '../../vulndb/describe.js';
import type { ImportReport } from '../../vulndb/import-report.js';
import { VulnDbReader, type VulnDbStatus } from '../../vulndb/reader.js';
import { updateSources } from '../../vulndb/update-sources.js';
import { writeOutput } from '../write-output.js';

function databaseOf(command: Command): string {
  const flags = command.optsWithGlobals<{ db?: string }>();
  return flags.db ?? defaultVulnDbPath();
}

/** Lists at most this many rejected records per source on the terminal (--json lists them all). */
const SHOWN_REJECTIONS = 20;

function describeImport(report: ImportReport): string {
  const lines = report.sources.map((s) => {
    const removed = s.removed ? `, ${s.removed} removed` : '';
    return `${s.feed} ${s.path}: ${s.accepted} records (${s.added} new, ${s.changed} changed, ${s.unchanged} unchanged${removed}), ${s.rejected.length} rejected`;
  });
  for (const source of report.sources) {
    for (const rejection of source.rejected.slice(0, SHOWN_REJECTIONS)) lines.push(`  rejected ${rejection.id}: ${rejection.reason}`);
    if (source.rejected.length > SHOWN_REJECTIONS) lines.push(`  … and ${source.rejected.length - SHOWN_REJECTIONS} more (--json lists them all)`);
  }
  lines.push(`${report.database}: ${report.changedPackages} packages changed, in ${(report.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

function describeStatus(status: VulnDbStatus): string {
  const lines = [`database: ${status.path}`, `built: ${status.builtAt ?? 'unknown'}${status.builtAt ? ` (${age(status.builtAt)} ago)` : ''}`];
  lines.push(`advisories: ${status.advisories} (${status.withdrawn} withdrawn)`, `NVD CVEs: ${status.cves}`, `KEV entries: ${status.kev}`, `EPSS scores: ${status.epss}`);
  if (status.nvdUpdatedAt) lines.push(`NVD changes fetched up to: ${status.nvdUpdatedAt} (the next update asks from there)`);
  lines.push('sources:');
  for (const source of status.sources) {
    lines.push(`  ${source.name}: ${source.records} records, ${source.rejected} rejected, imported ${source.importedAt}${source.origin ? ` from ${source.origin}` : ''}`);
  }
  lines.push('advisories by ecosystem:');
  for (const [ecosystem, count] of Object.entries(status.byEcosystem)) lines.push(`  ${ecosystem}: ${count}`);
  return `${lines.join('\n')}\n`;
}

function age(iso: string): string {
  const ms = Date.now() - Date.parse(iso);
  const hours = ms / 3_600_000;
  return hours < 1 ? `${Math.max(0, Math.round(ms / 60_000))} min` : hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} days`;
}

function describeEntry(entry: VulnerabilityEntry): string {
  const lines = [`${entry.id}${entry.aliases.length > 0 ? ` (also ${entry.aliases.join(', ')})` : ''}`];
  if (entry.withdrawn) lines.push(`WITHDRAWN ${entry.withdrawn}`);
  if (entry.summary) lines.push(entry.summary);
  if (entry.details) lines.push('', entry.details.trim());
  lines.push('');
  for (const c of entry.cvss) lines.push(`CVSS ${c.version} ${c.baseScore.toFixed(1)} ${c.vector} (${c.source})`);
  if (entry.cwes.length > 0) lines.push(`CWE: ${entry.cwes.join(', ')}`);
  if (entry.epss) lines.push(`EPSS: ${entry.epss.score} (percentile ${entry.epss.percentile})`);
  if (entry.kev) {
    lines.push(
      `Known exploited (CISA KEV): added ${entry.kev.dateAdded}${entry.kev.dueDate ? `, due ${entry.kev.dueDate}` : ''}${
        entry.kev.knownRansomwareCampaignUse ? `, ransomware use: ${entry.kev.knownRansomwareCampaignUse}` : ''
      }`,
    );
    if (entry.kev.requiredAction) lines.push(`  required action: ${entry.kev.requiredAction}`);
  }
  if (entry.affected.length > 0) lines.push('', 'affected:');
  for (const affected of entry.affected) {
    const ranges = affected.ranges.map((r) => `${r.type} ${r.events.map((e) => Object.entries(e)[0]!.join(' ')).join(', ')}`);
    const versions = affected.versions.length > 0 ? [`versions ${affected.versions.join(', ')}`] : [];
    lines.push(`  ${affected.ecosystem} ${affected.name}: ${[...ranges, ...versions].join('; ') || 'all versions'} [${affected.advisory}]`);
  }
  if (entry.references.length > 0) lines.push('', 'references:', ...entry.references.map((r) => `  ${r}`));
  return `${lines.join('\n')}\n`;
}

export function dbCommand(): Command {
  const db = new Command('db').description('the vulnerability database').option('--db <file>', 'the database file (default $VIGIL_HOME/vulndb.sqlite)');

  db.command('import')
    .description('import local feeds: OSV records (JSON, YAML, folder or zip), NVD CVE API 2.0 JSON, CISA KEV JSON, EPSS CSV')
    .argument('<path...>', 'feed files or folders, recognised by content')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], flags: { json?: boolean }, command: Command) => {
      // The feed readers are loaded only by the commands that read feeds.
      const { importFeeds } = await import('../../vulndb/import.js');
      const report = await importFeeds(paths, databaseOf(command));
      await writeOutput(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeImport(report), undefined);
    })
    .exitOverride();

  db.command('update')
    .description('fetch the public feeds over the network and import them (resumable)')
    .option('--source <names>', `comma-separated sources: ${updateSources.map((s) => s.name).join(', ')} (default: all)`)
    .option('--mirror <url>', 'fetch from this base URL instead of each source\'s own address (an internal mirror)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { source?: string; mirror?: string; json?: boolean }, command: Command) => {
      const { updateFeeds } = await import('../../vulndb/update.js');
      const report = await updateFeeds(databaseOf(command), {
        ...(flags.source ? { sources: flags.source.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(flags.mirror ? { mirror: flags.mirror } : {}),
        progress: process.stderr.isTTY === true,
      });
      await writeOutput(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeImport(report), undefined);
    })
    .exitOverride();

  db.command('status')
    .description('sources, record counts per ecosystem, last import time and age')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }, command: Command) => {
      const reader = VulnDbReader.open(databaseOf(command));
      try {
        const status = reader.status();
        await writeOutput(flags.json ? `${JSON.stringify(status, null, 2)}\n` : describeStatus(status), undefined);
      } finally {
        reader.close();
      }
    })
    .exitOverride();

  db.command('search')
    .description('look up one vulnerability by any id (CVE, GHSA, GO-, PYSEC-, RUSTSEC-, DSA-…)')
    .argument('<id>')
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: { json?: boolean }, command: Command) => {
      const reader = VulnDbReader.open(databaseOf(command));
      try {
        const entry = describeVulnerability(reader, id);
        if (!entry) {
          // Said plainly, and exit status 1 so a script can tell; it is an answer, not an error.
          await writeOutput(flags.json ? `${JSON.stringify({ id, found: false }, null, 2)}\n` : `${id} is not in the database\n`, undefined);
          process.exitCode = 1;
          return;
        }
        await writeOutput(flags.json ? `${JSON.stringify({ ...entry, found: true }, null, 2)}\n` : describeEntry(entry), undefined);
      } finally {
        reader.close();
      }
    })
    .exitOverride();

  return db.exitOverride();
}
