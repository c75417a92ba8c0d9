// @ts-nocheck
// Loaded by path (`failureConverterPath`): by the Worker, the Client and inside the workflow bundle, where
// workflow failures are converted. Keep it free of Node built-ins so it bundles for the workflow sandbox.
import { DefaultFailureConverter } from '@temporalio/common';

/** Failure messages and stack traces go into an (encrypted) payload instead of plaintext history. */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
