/** @module `vigil sbom <target>`: the software inventory of a target, as CycloneDX or SPDX. */
import { Command, Option } from 'commander';
import { selectCatalogers } from '../../catalog/index.js';
import { takeInventory } from '../../catalog/take-inventory.js';
import { VigilError } from '../../errors.js';
import { formatFor, sbomFormats } from '../../sbom/index.js';
import { parseCount, parseDuration, parseSize } from '../parse-size.js';
import { createProgress } from '../progress.js';
import { writeOutput } from '../write-output.js';

interface SbomOptions {
  format: string;
  output?: string;
  platform?: string;
  quiet?: boolean;
  maxFileSize?: string;
  maxLayerSize?: string;
  maxExtractSize?: string;
  path: string[];
  allPaths?: boolean;
  crossMounts?: boolean;
  maxPackages?: string;
  timeLimit?: string;
  catalogers?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function sbomCommand(): Command {
  return new Command('sbom')
    .description('write a software bill of materials of a directory, root filesystem or image archive')
    .argument('<target>', 'a directory or root filesystem, docker-archive:PATH, oci-archive:PATH, oci-dir:PATH, or an image archive path')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(sbomFormats.map((f) => f.id)).default('cyclonedx-json'),
    )
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform to read from a multi-platform image (default linux/amd64, else the only one)')
    .option('-q, --quiet', 'no progress output')
    .option('--max-file-size <size>', 'skip package files larger than this, with a warning (default 512M)')
    .option('--max-layer-size <size>', 'skip image layers larger than this uncompressed, with a warning (default 16G)')
    .option('--max-extract-size <size>', 'most bytes kept in the temporary folder while reading an image (default 8G)')
    .option('--path <dir>', 'also search this folder of a root filesystem for language packages (repeatable)', collect, [])
    .option('--all-paths', 'search the whole root filesystem, not only /usr/lib, /usr/lib64, /usr/local/lib and /usr/local/lib64')
    .option('--cross-mounts', 'walk into other mounted file systems too')
    .option('--max-packages <count>', 'stop after this many packages, and say so (off by default)')
    .option('--catalogers <list>', 'which catalogers run: all (default), os, language, or names such as dpkg,npm-lockfile')
    .option('--time-limit <duration>', 'stop cataloging after this long, such as 15m or 90s, and say so (off by default)')
    .action(async (target: string, options: SbomOptions) => {
      const format = formatFor(options.format);
      if (!format) throw new VigilError('INVALID_ARGUMENT', `unknown format ${options.format}`);
      if (options.platform !== undefined && !/^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_]+)?$/i.test(options.platform)) {
        throw new VigilError('INVALID_ARGUMENT', `--platform takes os/arch[/variant], such as linux/arm64/v8, not "${options.platform}"`);
      }
      const limits = {
        ...(options.maxFileSize ? { maxFileBytes: parseSize(options.maxFileSize, '--max-file-size') } : {}),
        ...(options.maxLayerSize ? { maxLayerBytes: parseSize(options.maxLayerSize, '--max-layer-size') } : {}),
        ...(options.maxExtractSize ? { maxExtractBytes: parseSize(options.maxExtractSize, '--max-extract-size') } : {}),
      };
      const maxPackages = options.maxPackages !== undefined ? parseCount(options.maxPackages, '--max-packages') : undefined;
      const timeLimitMs = options.timeLimit !== undefined ? parseDuration(options.timeLimit, '--time-limit') : undefined;
      for (const path of options.path) {
        if (!path.startsWith('/')) throw new VigilError('INVALID_ARGUMENT', `--path takes an absolute path inside the target, not "${path}"`);
      }
      const progress = createProgress({ quiet: options.quiet ?? false });
      let inventory;
      try {
        inventory = await takeInventory(target, {
          limits,
          ...(options.catalogers ? { catalogers: selectCatalogers(options.catalogers) } : {}),
          paths: options.path,
          ...(options.allPaths ? { allPaths: true } : {}),
          ...(options.crossMounts ? { crossMounts: true } : {}),
          ...(maxPackages !== undefined ? { maxPackages } : {}),
          ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
          ...(options.platform ? { platform: options.platform } : {}),
          onProgress: (done, total) => progress.bytes(done, total),
          onFile: (cataloger, path) => progress.file(cataloger, path),
        });
      } finally {
        progress.stop();
      }
      await writeOutput(format.write(inventory), options.output);
      reportWarnings(inventory.warnings, options.quiet ?? false);
    });
}

/** Warnings go to stderr, one line each, so the SBOM on stdout stays clean. */
function reportWarnings(warnings: ReadonlyArray<{ message: string }>, quiet: boolean): void {
  if (quiet) return;
  for (const warning of warnings) process.stderr.write(`vigil: warning: ${warning.message}\n`);
}
