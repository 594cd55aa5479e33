import { runAdmin } from './commands.ts';

/**
 * The admin CLI: `npm run admin -- <command>`. The commands live in commands.ts; this is the
 * process: it runs one with this process's arguments and environment, prints what it says
 * and exits with its code.
 */
runAdmin(process.argv.slice(2), process.env).then(
  ({ code, stdout, stderr }) => {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
