/**
 * @module Private temporary folders, removed when the work is done, on errors, and on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

function removeAllSync(): void {
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // Best effort on the way out; nothing else can be done here.
    }
  }
  live.clear();
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeAllSync();
      // Re-raise the conventional exit status for a signal (128 + number).
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export interface TempDir {
  readonly path: string;
  remove(): void;
}

/** Makes a folder only this process uses (mode 0700), under the system temporary directory. */
export function createTempDir(prefix = 'vigil-'): TempDir {
  hookProcessExit();
  const path = mkdtempSync(join(tmpdir(), prefix));
  live.add(path);
  return {
    path,
    remove() {
      if (!live.delete(path)) return;
      rmSync(path, { recursive: true, force: true });
    },
  };
}
