/**
 * Every benchmark, one after the other, each in a process of its own so that one's heap and
 * open handles cannot colour the next: `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['tap.ts', 'tablet.ts', 'drain.ts', 'ingest.ts', 'reports.ts', 'waiting.ts', 'phone.ts'];

let failed = 0;
for (const bench of BENCHES) {
  const path = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  console.log(`\n== bench/${bench}`);
  const run = spawnSync('npx', ['tsx', path], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`bench/${bench} ${run.error ? `did not start: ${run.error.message}` : `exited with ${run.status ?? run.signal}`}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
