/** @module `vigil sbom <target>`: the software inventory of a target, as CycloneDX or SPDX. */
import { Command, Option } from 'commander';
import { formatFor, sbomFormats } from '../../sbom/index.js';
import { tierUpLater } from '../one-shot-tiering.js';
import { createProgress } from '../progress.js';
import { addTargetOptions, inventoryOptions, reportWarnings, warmWalkWorkerFor, type TargetFlags } from '../target-options.js';
import { writeOutput } from '../write-output.js';

interface SbomFlags extends TargetFlags {
  format: string;
  output?: string;
}

export function sbomCommand(): Command {
  const command = new Command('sbom')
    .description('write a software bill of materials of a directory, root filesystem or image archive')
    .argument('<target>', 'a directory or root filesystem, docker-archive:PATH, oci-archive:PATH, oci-dir:PATH, or an image archive path')
    .addOption(new Option('-f, --format <format>', 'output format').choices(sbomFormats.map((f) => f.id)).default('cyclonedx-json'))
    .option('-o, --output <file>', 'write to this file instead of stdout');
  return addTargetOptions(command).action(async (target: string, flags: SbomFlags) => {
    // The CLI process takes this one inventory: its functions tier up later.
    tierUpLater();
    const format = formatFor(flags.format);
    const progress = createProgress({ quiet: flags.quiet ?? false });
    const options = await inventoryOptions(flags, progress);
    await warmWalkWorkerFor(target, flags);
    let inventory;
    try {
      // Loaded here, not at start-up: every other command runs without the catalogers.
      const { takeInventory } = await import('../../catalog/take-inventory.js');
      inventory = await takeInventory(target, options);
    } finally {
      progress.stop();
    }
    await writeOutput(format.write(inventory), flags.output);
    reportWarnings(inventory.warnings, flags.quiet ?? false);
  });
}
