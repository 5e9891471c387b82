import { runCli } from './cli.ts';
import { processIo } from './io.ts';

// `modalflow nodes | head` closes the pipe early; that is the reader's choice, not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await runCli(process.argv.slice(2), processIo());
// Exit once stdout has drained: a piped --json result must not be cut short, and native
// runtimes may hold the event loop open after their sessions are released.
process.stdout.write('', () => process.exit(code));
