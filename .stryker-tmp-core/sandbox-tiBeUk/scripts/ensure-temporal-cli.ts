// @ts-nocheck
// Prints the path of a Temporal CLI, building it with `go install` on first use. Used by .ci/run.
import { ensureTemporalCli } from '../src/temporal/cli-binary';

ensureTemporalCli({ onProgress: (l) => process.stderr.write(`${l}\n`) })
  .then((exe) => {
    process.stdout.write(`${exe.type === 'existing-path' ? exe.path : 'cached-download (SDK download)'}\n`);
  })
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
