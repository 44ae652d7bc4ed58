/** @module Progress on stderr, only when stderr is a terminal and the user did not ask for quiet. */
import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';

/** The progress bar library, loaded when a bar is first drawn (a quiet or piped run never needs it). */
let barLibrary: typeof cliProgress | undefined;
const bars = (): typeof cliProgress => (barLibrary ??= createRequire(import.meta.url)('cli-progress') as typeof cliProgress);

export interface Progress {
  /** Bytes of an archive read so far. */
  bytes(done: number, total: number): void;
  /** A package database being parsed. */
  file(cataloger: string, path: string): void;
  stop(): void;
}

const silent: Progress = { bytes() {}, file() {}, stop() {} };

export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || !stream.isTTY) return silent;
  let bar: cliProgress.SingleBar | undefined;
  return {
    bytes(done, total) {
      if (!bar) {
        const cliProgress = bars();
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: 'reading {bar} {percentage}% | {doneMiB}/{totalMiB} MiB',
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { doneMiB: '0', totalMiB: (total / 2 ** 20).toFixed(0) });
      }
      bar.update(done, { doneMiB: (done / 2 ** 20).toFixed(0), totalMiB: (total / 2 ** 20).toFixed(0) });
    },
    file(cataloger, path) {
      if (bar) return;
      stream.write(`\r\x1b[2Kcataloging ${cataloger}: ${path}`);
    },
    stop() {
      bar?.stop();
      bar = undefined;
      stream.write('\r\x1b[2K');
    },
  };
}
