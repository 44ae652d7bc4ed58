/** @module Writes command output to stdout or to a file, never leaving a half-written file. */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { VigilError, describeError } from '../errors.js';

export async function writeOutput(text: string, outputPath: string | undefined): Promise<void> {
  if (!outputPath) {
    await new Promise<void>((resolve, reject) => {
      process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    });
    return;
  }
  const existing = await stat(outputPath).catch(() => undefined);
  if (existing && !existing.isFile()) {
    // A device, pipe or socket (/dev/null, /dev/stdout, a FIFO): write into it, never replace it.
    try {
      await writeFile(outputPath, text);
    } catch (error) {
      throw new VigilError('OUTPUT_FAILED', `cannot write ${outputPath}: ${describeError(error)}`);
    }
    return;
  }
  // Written beside the destination and renamed over it, so a reader sees the old file or the whole new one.
  // (The crypto module is loaded only here: a report on stdout never needs it.)
  const { randomBytes } = await import('node:crypto');
  const temporary = join(dirname(outputPath), `.${basename(outputPath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, outputPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new VigilError('OUTPUT_FAILED', `cannot write ${outputPath}: ${describeError(error)}`);
  }
}
