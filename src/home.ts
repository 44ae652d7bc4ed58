/** @module Where Vigil keeps its own files: $VIGIL_HOME, by default ~/.vigil. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function vigilHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_HOME ? resolve(env.VIGIL_HOME) : join(homedir(), '.vigil');
}

export function defaultVulnDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(vigilHome(env), 'vulndb.sqlite');
}
