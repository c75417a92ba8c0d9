// Prints the path of a Mailpit binary (the sandbox's and the tests' mail catcher), building it with
// `go install` on first use. Used by .ci/run next to the Temporal CLI.
import { ensureMailpit } from '../src/sandbox/mailpit';

ensureMailpit({ onProgress: (l) => process.stderr.write(`${l}\n`) })
  .then((path) => process.stdout.write(`${path}\n`))
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
