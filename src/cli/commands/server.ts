/** @module `vigil server`: the API, the scheduler and a worker in one process. */
import { delimiter } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { defaultVulnDbPath } from '../../home.js';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function serverCommand(): Command {
  return new Command('server')
    .description('run the service: the REST API, the scheduler and a worker (state in SQLite under $VIGIL_HOME, or PostgreSQL with --database)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <number>', 'port to listen on', parsePort, 8080)
    .option('--database <url>', 'postgres://… URL (or VIGIL_DATABASE_URL), or a SQLite file; default $VIGIL_HOME/vigil.sqlite')
    .option('--db <file>', 'the vulnerability database (default $VIGIL_HOME/vulndb.sqlite)')
    .option('--scan-root <dir>', `a folder POST /v1/scans may scan paths under (repeatable; or VIGIL_SCAN_ROOTS, "${delimiter}"-separated); none: no path is scanned`, collect, [])
    .action(async (flags: { host: string; port: number; database?: string; db?: string; scanRoot: string[] }) => {
      // Fastify, pg-boss and the store load here, not with every vigil command.
      const [{ startServer }, { storeLocation }] = await Promise.all([import('../../service/run-server.js'), import('../../service/open-store.js')]);
      const scanRoots = flags.scanRoot.length > 0 ? flags.scanRoot : (process.env.VIGIL_SCAN_ROOTS ?? '').split(delimiter).filter(Boolean);
      const server = await startServer({ store: storeLocation(flags.database), vulndbPath: flags.db ?? defaultVulnDbPath(), host: flags.host, port: flags.port, settings: { scanRoots } });
      if (server.bootstrap.created) {
        process.stdout.write(
          `Created account "${server.bootstrap.account.name}" (${server.bootstrap.account.id}) and its admin API key, shown this once:\n\n  ${server.bootstrap.adminKey}\n\nSend it as "Authorization: Bearer <key>". Make more with "vigil keys create".\n\n`,
        );
      }
      server.ctx.log.info({ url: server.url, store: server.ctx.store.dialect, vulndb: server.ctx.vulndb.path }, 'vigil server listening');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      server.ctx.log.info('stopping: finishing running jobs');
      await server.stop();
    });
}
