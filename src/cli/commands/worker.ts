/**
 * @module `vigil worker --database postgres://…`: works the service's jobs (scans, re-evaluations,
 * retention, suppression) beside the servers and any other workers on one PostgreSQL, until
 * SIGINT or SIGTERM; then it finishes its running jobs and exits 0. Logs are JSON lines on stdout.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { VigilError } from '../../errors.js';
import { defaultVulnDbPath } from '../../home.js';

interface WorkerFlags {
  database?: string;
  vulndb?: string;
  db?: string;
  concurrency?: number;
  pollInterval?: number;
}

function parsePositive(what: string, least: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < least) throw new InvalidArgumentError(`${what} is a number of at least ${least}`);
    return n;
  };
}

export function workerCommand(): Command {
  return new Command('worker')
    .description('work the service\'s jobs (scans, re-evaluations, retention) beside the servers on one PostgreSQL; stops cleanly on SIGINT or SIGTERM')
    .option('--database <url>', 'the service\'s PostgreSQL database, postgres://… (or VIGIL_DATABASE_URL)')
    .option('--db <file>', 'the vulnerability database (default $VIGIL_HOME/vulndb.sqlite), as every other command spells it')
    .addOption(new Option('--vulndb <file>', 'the same as --db').hideHelp())
    .option('--concurrency <count>', 'jobs of each kind run at once', (v) => Math.floor(parsePositive('--concurrency', 1)(v)), 2)
    .option('--poll-interval <seconds>', 'how often an idle worker asks for a job', parsePositive('--poll-interval', 0.5), 2)
    .action(async (flags: WorkerFlags) => {
      const url = flags.database ?? process.env.VIGIL_DATABASE_URL;
      // The service's modules (pg-boss, the store, pino) load here, not with every vigil command.
      const [{ default: pino }, { startWorker }, { isPostgresUrl }] = await Promise.all([import('pino'), import('../../jobs/worker.js'), import('../../service/open-store.js')]);
      if (!url || !isPostgresUrl(url)) {
        throw new VigilError(
          'INVALID_ARGUMENT',
          'workers need PostgreSQL: give --database postgres://… (or VIGIL_DATABASE_URL); on SQLite, `vigil server` runs the jobs itself',
        );
      }
      const log = pino();
      const worker = await startWorker({
        url,
        vulndbPath: flags.vulndb ?? flags.db ?? defaultVulnDbPath(),
        log,
        ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
        ...(flags.pollInterval !== undefined ? { pollingIntervalSeconds: flags.pollInterval } : {}),
      });
      log.info({ store: worker.ctx.store.dialect, vulndb: worker.ctx.vulndb.path, concurrency: flags.concurrency }, 'vigil worker ready');
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log.info('stopping: finishing running jobs');
      await worker.stop();
      log.info('vigil worker stopped');
    });
}
