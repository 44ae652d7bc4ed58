// Runs every benchmark in this folder in turn (each prints its own figures and a JSON line).
// `npm run bench` builds first; `node bench/run.mjs NAME...` runs only the named ones.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== 'run.mjs')
  .filter((name) => only.length === 0 || only.some((o) => name.startsWith(o)))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n## ${bench}`);
  const result = spawnSync(process.execPath, ['--expose-gc', `${here}${bench}`], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`${bench} failed with status ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
