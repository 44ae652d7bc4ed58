/** Helpers for tests that drive real tools (mmdebstrap, umoci, skopeo, dpkg-query, rpm). */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The git-ignored folder where expensive real artefacts (root filesystems) are cached between runs. */
export const cacheRoot = fileURLToPath(new URL('../../.cache/', import.meta.url));

export function cacheDir(name: string): string {
  const dir = `${cacheRoot}${name}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export const isRoot = process.getuid?.() === 0;

/** Runs a command, failing the test with its stderr when it fails. */
export function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): string {
  return execFileSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}
