#!/usr/bin/env node
/** @module The `vigil` command line: parses flags, calls the library, prints. */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { describeError, isVigilError } from '../errors.js';
import { vigilVersion } from '../version.js';

/** Each command's definition, in help order, loaded only when it runs (or when help lists them all). */
const commands: Record<string, () => Promise<Command>> = {
  sbom: async () => (await import('./commands/sbom.js')).sbomCommand(),
  scan: async () => (await import('./commands/scan.js')).scanCommand(),
  db: async () => (await import('./commands/db.js')).dbCommand(),
  server: async () => (await import('./commands/server.js')).serverCommand(),
  worker: async () => (await import('./commands/worker.js')).workerCommand(),
  keys: async () => (await import('./commands/keys.js')).keysCommand(),
};

/** Exit status for bad input or a target Vigil cannot read. */
const EXIT_USAGE = 2;
/** Exit status for a failure that is Vigil's own fault. */
const EXIT_INTERNAL = 1;

/** The program, with only the command `argv` names when it names one (every command otherwise). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('vigil')
    .description('Vigil: software inventory and vulnerability management')
    .version(vigilVersion)
    .option('--debug', 'print stack traces for errors')
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
    });
  const named = argv.find((arg) => !arg.startsWith('-'));
  // `vigil --version` needs no command: loading them all (the server's among them) was most of its time.
  const versionOnly = argv.length > 0 && argv.every((arg) => arg === '--version' || arg === '-V' || arg === '--debug');
  const chosen = versionOnly ? [] : named !== undefined && Object.hasOwn(commands, named) ? [named] : Object.keys(commands);
  for (const command of await Promise.all(chosen.map((name) => commands[name]!()))) program.addCommand(command);
  // Every command, however deep, throws instead of exiting, so a bad flag is one line and status 2.
  const throwInsteadOfExit = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(throwInsteadOfExit);
  };
  throwInsteadOfExit(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
    // A command may end with a status of its own (a failed scan gate is 1).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its one-line message (or the help/version text).
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (isVigilError(error)) {
      process.stderr.write(`vigil: ${error.message}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return EXIT_USAGE;
    }
    if (debug && error instanceof Error && error.stack) process.stderr.write(`vigil: internal error: ${error.stack}\n`);
    else process.stderr.write(`vigil: internal error: ${describeError(error)} (run again with --debug for details)\n`);
    return EXIT_INTERNAL;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    // npm installs the bin as a symlink; compare real paths.
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}


if (isEntryPoint()) {
  // A reader that stops early (`vigil sbom / | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
