/**
 * Issue 23 (Google): a Google API disabled in the service account's project (403 PERMISSION_DENIED with an
 * ErrorInfo of reason SERVICE_DISABLED) and Google's role limits (750 custom roles; role assignments per org
 * unit and to groups) become failures that say what to fix, not a generic "HTTP 403"/"HTTP 400".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  classifyGoogleApiError,
  classifyRoleAssignmentError,
  classifyRoleInsertError,
  googleApiErrorInfo,
  memberInsertOutcome,
} from '../../src/activities/google/google-error-classifier';
import { FailureType } from '../../src/contract/failure-types';

function gaxiosError(status: number, data: unknown) {
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    response: { status, data, headers: new Headers() },
  });
}

function thrown(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
    return err;
  }
  return assert.fail('expected a failure');
}

/** Google's body for a disabled API (google/api/error_reason.proto SERVICE_DISABLED; ErrorInfo + Help). */
const serviceDisabled = (project: string, service = 'cloudidentity.googleapis.com') =>
  gaxiosError(403, {
    error: {
      code: 403,
      message: `Cloud Identity API has not been used in project ${project} before or it is disabled.`,
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: { consumer: `projects/${project}`, service },
        },
        { '@type': 'type.googleapis.com/google.rpc.Help', links: [] },
      ],
    },
  });

describe('Google API disabled in the project (SERVICE_DISABLED)', () => {
  it('googleApiErrorInfo reads the project and the service from the ErrorInfo', () => {
    assert.deepEqual(googleApiErrorInfo(serviceDisabled('123456789012')).serviceDisabled, {
      project: '123456789012',
      service: 'cloudidentity.googleapis.com',
    });
    assert.equal(googleApiErrorInfo(gaxiosError(403, { error: { code: 403 } })).serviceDisabled, undefined);
  });

  it('is a non-retryable failure naming the API, the project and the console URL', () => {
    const f = thrown(() => classifyGoogleApiError(serviceDisabled('123456789012'), 'look up group x', 'scope'));
    assert.equal(f.nonRetryable, true);
    assert.equal(f.type, FailureType.GoogleApiDisabled);
    assert.match(
      f.message,
      /^look up group x: .*Enable the Cloud Identity API \(cloudidentity\.googleapis\.com\) in project 123456789012: https:\/\/console\.cloud\.google\.com\/apis\/library\/cloudidentity\.googleapis\.com\?project=123456789012/
    );
  });

  it('fails a member insert as a whole instead of marking one member failed', () => {
    const outcome = memberInsertOutcome(
      serviceDisabled('42', 'admin.googleapis.com'),
      'g@x.example',
      {
        email: 'a@x.example',
        role: 'MEMBER',
      },
      'scope'
    );
    assert.ok('fatal' in outcome);
    assert.equal((outcome.fatal as ApplicationFailure).type, FailureType.GoogleApiDisabled);
    assert.match(outcome.fatal.message, /admin\.googleapis\.com\) in project 42/);
  });
});

describe("Google's role limits", () => {
  const directoryError = (reason: string, message: string) =>
    gaxiosError(400, { error: { code: 400, message, errors: [{ message, domain: 'global', reason }] } });

  it('the 750-custom-role limit says to delete unused roles or reuse one (role.name)', () => {
    const f = thrown(() =>
      classifyRoleInsertError(
        directoryError('limitExceeded', 'Limit exceeded: the customer already has 750 custom roles (maximum 750).'),
        'create role "Education Admin"',
        'scope'
      )
    );
    assert.equal(f.type, FailureType.GoogleCustomRoleLimit);
    assert.equal(f.nonRetryable, true);
    assert.match(f.message, /limit of 750 custom admin roles.*Admin console > Account > Admin roles.*role\.name/);
  });

  it('another roles.insert error is classified as any Google error', () => {
    const f = thrown(() => classifyRoleInsertError(directoryError('invalid', 'Invalid Input'), 'create role', 's'));
    assert.equal(f.type, FailureType.GoogleInvalid);
  });

  it('the role-assignment limits name both limits and the fix', () => {
    const f = thrown(() =>
      classifyRoleAssignmentError(
        directoryError(
          'CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT',
          'The customer has reached the maximum of 250 role assignments to groups in org unit id:03ph8a2z.'
        ),
        'assign role 1 on /Students',
        'scope'
      )
    );
    assert.equal(f.type, FailureType.GoogleRoleAssignmentLimit);
    assert.match(f.message, /1,000 role assignments per org unit.*250 role assignments to groups/);
  });
});
