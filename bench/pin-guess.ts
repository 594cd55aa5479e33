// How fast a thief with a copy of a tablet's roster can try PINs against one hash: PBKDF2-SHA256
// at a teller's rounds and at a manager's, with as many guesses in flight as Node's thread pool
// runs at once. Prints guesses a second and the time to try every PIN of each length, with the
// load average beside it (decision 0014). `npx tsx bench/pin-guess.ts`.
import { pbkdf2 } from 'node:crypto';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { MANAGER_PIN_ITERATIONS, PIN_ITERATIONS } from '../src/domain/pin.ts';

const derive = promisify(pbkdf2);

async function guessesPerSecond(iterations: number, guesses: number): Promise<number> {
  const salt = Buffer.alloc(16, 7);
  const started = performance.now();
  await Promise.all(Array.from({ length: guesses }, (_, i) => derive(String(i).padStart(6, '0'), salt, iterations, 32, 'sha256')));
  return guesses / ((performance.now() - started) / 1000);
}

const hours = (space: number, rate: number) => space / rate / 3600;
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [who, iterations, guesses, digits] of [['teller', PIN_ITERATIONS, 64, 4], ['manager', MANAGER_PIN_ITERATIONS, 16, 6]] as const) {
  const rate = await guessesPerSecond(iterations, guesses);
  console.log(`${who}: ${iterations.toLocaleString('en')} rounds, ${rate.toFixed(1)} guesses/s; every ${digits}-digit PIN in ${hours(10 ** digits, rate).toFixed(2)} h`);
}
