/**
 * Shapes of vendor errors test/unit/classification.test.ts does not build: an empty `errors` list, headers
 * without get() (a plain object, as older gaxios versions and hand-made errors carry), a status that is not
 * a number, OAuth errors that only look like the ones Onramp special-cases, and the exact text an operator
 * reads for an OAuth error with a description.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  classifyTokenError,
  googleApiErrorInfo,
  tokenErrorInfo,
} from '../../src/activities/google/google-error-classifier';
import { FailureType } from '../../src/contract/failure-types';

const err = (props: object) => Object.assign(new Error('Request failed'), props);
function thrown(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(e)}`);
    return e;
  }
  return assert.fail('expected a failure');
}

describe('Google error shapes at the edges', () => {
  it('an API error with an empty errors list has no reason; plain-object headers give no Retry-After', () => {
    const info = googleApiErrorInfo(
      err({
        response: { status: 403, data: { error: { message: 'no', errors: [] } }, headers: { 'retry-after': '5' } },
      })
    );
    assert.equal(info.reason, undefined);
    assert.equal(info.retryAfter, null);
    assert.equal(info.status, 403);
  });

  it('token errors: plain-object headers, and a status that is not a number, are ignored', () => {
    const info = tokenErrorInfo(err({ status: '503', response: { data: { error: 'x' }, headers: {} } }));
    assert.equal(info.status, undefined);
    assert.equal(info.retryAfter, null);
    assert.equal(tokenErrorInfo(err({ status: '503' })).status, undefined);
  });
});

describe('classifyTokenError: look-alikes', () => {
  const ctx = { subject: 'admin@acme.example', serviceAccountEmail: 'sa@proj.iam.gserviceaccount.com' };
  const oauth = (status: number, error: string, description?: string) =>
    err({ response: { status, data: { error, error_description: description }, headers: new Headers() } });

  it('access_denied without "not authorized" is a refusal, not "not granted yet"', () => {
    const f = thrown(() => classifyTokenError(oauth(403, 'access_denied', 'Policy forbids this'), ctx));
    assert.equal(f.type, FailureType.GoogleTokenRequestRejected);
    assert.equal(f.nonRetryable, true);
    assert.equal(
      f.message,
      'Google token endpoint refused the request (access_denied: Policy forbids this). Check the service account and scopes.'
    );
  });

  it('an "invalid email" description under another error code is not an impersonation problem', () => {
    const f = thrown(() => classifyTokenError(oauth(400, 'invalid_request', 'invalid email or user id'), ctx));
    assert.equal(f.type, FailureType.GoogleTokenRequestRejected);
    const noDescription = thrown(() => classifyTokenError(oauth(400, 'invalid_request'), ctx));
    assert.equal(
      noDescription.message,
      'Google token endpoint refused the request (invalid_request). Check the service account and scopes.'
    );
  });
});
