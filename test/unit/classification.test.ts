/**
 * Error classification per vendor, as pure functions over the errors the HTTP libraries raise (gaxios for
 * Google, Onramp's own AutotaskApiError): retryable or not, the failure type an operator searches for, the
 * fix the message names, and the Retry-After carried as nextRetryDelay. The vendor error table
 * (test/faults/vendor-errors.test.ts) runs the same paths over HTTP; these pin every branch for the
 * mutation run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  AutotaskApiError,
  callFailure,
  errorList,
  toFailure,
  zoneDiscoveryFailure,
  zoneDiscoveryUnreachable,
} from '../../src/activities/autotask/autotask-error-classifier';
import { LimitReachedError } from '../../src/activities/autotask/autotask-limiter';
import {
  classifyAdminTokenError,
  classifyGoogleApiError,
  classifyRoleAssignmentError,
  classifyTokenError,
  googleApiErrorInfo,
  isRateLimited,
  isTransient,
  memberAddFailure,
  memberInsertOutcome,
  missingScope,
  tokenErrorInfo,
} from '../../src/activities/google/google-error-classifier';
import { FailureType } from '../../src/contract/failure-types';

/** A gaxios-shaped error: response status, JSON body, headers with get(). */
function gaxiosError(status: number | undefined, data?: unknown, headers: Record<string, string> = {}, extra = {}) {
  const h = new Headers(headers);
  return Object.assign(new Error(`Request failed with status code ${status}`), {
    ...(status === undefined ? {} : { response: { status, data, headers: h } }),
    ...extra,
  });
}

const googleBody = (code: number, reason?: string, message = 'said Google', extra: object = {}) => ({
  error: { code, message, ...(reason ? { errors: [{ reason }] } : {}), ...extra },
});

function thrown(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
    return err;
  }
  return assert.fail('expected a failure');
}

describe('Google API errors (google-error-classifier)', () => {
  it('googleApiErrorInfo reads status, reason, API status, message, Retry-After and scope problems', () => {
    const e = gaxiosError(
      403,
      googleBody(403, 'insufficientPermissions', 'no scope', { status: 'PERMISSION_DENIED' }),
      {
        'retry-after': '12',
      }
    );
    assert.deepEqual(googleApiErrorInfo(e), {
      status: 403,
      reason: 'insufficientPermissions',
      apiStatus: 'PERMISSION_DENIED',
      message: 'no scope',
      retryAfter: '12',
      scopeInsufficient: true,
    });
    const details = gaxiosError(403, {
      error: { code: 403, message: 'm', details: [{ reason: 'OTHER' }, { reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }] },
    });
    assert.equal(googleApiErrorInfo(details).scopeInsufficient, true);
    assert.equal(googleApiErrorInfo(gaxiosError(403, googleBody(403, 'forbidden'))).scopeInsufficient, false);
    assert.equal(
      googleApiErrorInfo(gaxiosError(403, { error: { details: [{ reason: 'X' }] } })).scopeInsufficient,
      false
    );
    // No body: the error's own message; a status only on the error itself (network-level gaxios errors).
    const bare = googleApiErrorInfo(Object.assign(new Error('socket hang up'), { status: 502 }));
    assert.deepEqual(bare, {
      status: 502,
      reason: undefined,
      apiStatus: undefined,
      message: 'socket hang up',
      retryAfter: null,
      scopeInsufficient: false,
    });
    assert.equal(googleApiErrorInfo(Object.assign(new Error('x'), { status: '502' })).status, undefined);
    assert.equal(googleApiErrorInfo(gaxiosError(500, 'not json')).message, 'Request failed with status code 500');
  });

  it('rate limited: 429, or 403 with a rate-limit reason only', () => {
    const info = (status: number, reason?: string) =>
      googleApiErrorInfo(gaxiosError(status, googleBody(status, reason)));
    assert.equal(isRateLimited(info(429)), true);
    for (const r of ['userRateLimitExceeded', 'quotaExceeded', 'rateLimitExceeded'])
      assert.equal(isRateLimited(info(403, r)), true, r);
    assert.equal(isRateLimited(info(403, 'forbidden')), false);
    assert.equal(isRateLimited(info(403)), false);
    assert.equal(isRateLimited(info(400, 'rateLimitExceeded')), false, 'the reason counts only on a 403');
  });

  it('transient: rate limits, 401, 408, 5xx, transient reasons, network errors; not other 4xx', () => {
    const t = (status: number, reason?: string) => isTransient(gaxiosError(status, googleBody(status, reason)));
    for (const s of [429, 401, 408, 500, 502, 503]) assert.equal(t(s), true, String(s));
    for (const s of [400, 403, 404, 409, 412]) assert.equal(t(s), false, String(s));
    for (const r of ['backendError', 'internalError', 'transientError', 'systemError', 'serviceNotAvailable'])
      assert.equal(t(400, r), true, r);
    // No HTTP answer: a network error, or anything without a response, is transient.
    assert.equal(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' })), true);
    assert.equal(isTransient(new Error('no response at all')), true);
    assert.equal(isTransient(Object.assign(new Error('x'), { response: {} })), false, 'a response without a status');
  });

  it('classify: rate limit and transient are retryable with Retry-After; scope and others are permanent, named', () => {
    const limited = thrown(() =>
      classifyGoogleApiError(
        gaxiosError(429, googleBody(429, 'rateLimitExceeded', 'slow down'), { 'retry-after': '7' }),
        'add member',
        's'
      )
    );
    assert.equal(limited.type, FailureType.GoogleRateLimited);
    assert.equal(limited.nonRetryable, false);
    assert.equal(limited.nextRetryDelay, 7000);
    assert.equal(
      limited.message,
      'add member: Google rate limit (HTTP 429 rateLimitExceeded: slow down); retrying with backoff'
    );

    const transient = thrown(() =>
      classifyGoogleApiError(
        gaxiosError(503, { error: { message: 'down', status: 'UNAVAILABLE' } }, { 'retry-after': '3' }),
        'create group',
        's'
      )
    );
    assert.equal(transient.type, FailureType.GoogleTransientError);
    assert.equal(transient.nonRetryable, false);
    assert.equal(transient.nextRetryDelay, 3000);
    assert.equal(transient.message, 'create group: transient Google error (HTTP 503 UNAVAILABLE: down); retrying');
    const network = thrown(() =>
      classifyGoogleApiError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'x', 's')
    );
    assert.equal(network.message, 'x: transient Google error (network); retrying');
    assert.equal(network.nextRetryDelay, undefined);

    const scope = thrown(() =>
      classifyGoogleApiError(
        gaxiosError(403, googleBody(403, 'insufficientPermissions')),
        'list roles',
        'https://scope/roles'
      )
    );
    assert.equal(scope.type, FailureType.GoogleScopeMissing);
    assert.equal(scope.nonRetryable, true);
    assert.match(
      scope.message,
      /^list roles: the service account is not authorised for https:\/\/scope\/roles\. Grant/
    );

    const notFound = thrown(() =>
      classifyGoogleApiError(gaxiosError(404, googleBody(404, 'notFound', 'gone')), 'get group', 's')
    );
    assert.equal(notFound.type, FailureType.GoogleNotFound);
    assert.equal(notFound.nonRetryable, true);
    assert.equal(notFound.message, 'get group failed (HTTP 404 notFound: gone)');
    const plain = thrown(() => classifyGoogleApiError(gaxiosError(400, { error: { message: 'bad' } }), 'do', 's'));
    assert.equal(plain.type, FailureType.GoogleApiError);
    assert.equal(plain.message, 'do failed (HTTP 400: bad)');
  });

  it('missingScope names every scope and the onboarding that grants them', () => {
    const f = missingScope('assign role', ['a', 'b']);
    assert.equal(f.nonRetryable, true);
    assert.equal(f.type, FailureType.GoogleScopeMissing);
    assert.match(
      f.message,
      /^assign role: the service account is not authorised for a, b\. .*googleDelegationOnboarding/
    );
  });
});

describe('Google refusals of one call: a role assignment, a member insert', () => {
  const assign = (err: unknown) => thrown(() => classifyRoleAssignmentError(err, 'assign R', 'scope/roles'));

  it("a role assignment: the customer's limit, an assignee that is not a security group, else the general rule", () => {
    const limit = assign(gaxiosError(400, googleBody(400, 'CUSTOMER_EXCEEDED_ROLE_ASSIGNMENTS_LIMIT', 'too many')));
    assert.equal(limit.type, FailureType.GoogleRoleAssignmentLimit);
    assert.equal(limit.nonRetryable, true);
    assert.equal(
      limit.message,
      "assign R: the customer has reached Google's role-assignment limit (too many). Google allows 1,000 role assignments per org unit (the whole account counts as one unit) and 250 role assignments to groups per unit. Remove unused assignments in Admin console > Account > Admin roles (or assign the role once to a security group holding the users), then start this onboarding again."
    );
    const notSecurity = assign(gaxiosError(400, googleBody(400, undefined, 'Assignee must be a Security Group')));
    assert.equal(notSecurity.type, FailureType.GoogleAssigneeNotSecurityGroup);
    assert.equal(notSecurity.nonRetryable, true);
    assert.equal(
      notSecurity.message,
      'assign R: the assignee is not a security group (Assignee must be a Security Group): only security groups can hold admin roles.'
    );
    const elsewhere = assign(gaxiosError(404, googleBody(404, undefined, 'not a security group')));
    assert.equal(elsewhere.type, FailureType.GoogleApiError);
    assert.equal(elsewhere.message, 'assign R failed (HTTP 404: not a security group)');
    assert.equal(
      assign(gaxiosError(400, googleBody(400, undefined, 'bad'))).message,
      'assign R failed (HTTP 400: bad)'
    );
    const scope = assign(gaxiosError(403, googleBody(403, 'insufficientPermissions')));
    assert.equal(scope.type, FailureType.GoogleScopeMissing);
    assert.match(scope.message, /^assign R: the service account is not authorised for scope\/roles\./);
    assert.equal(assign(gaxiosError(503, googleBody(503))).nonRetryable, false);
  });

  it('memberAddFailure returns the failure of adding members to the group instead of throwing it', () => {
    const f = memberAddFailure(gaxiosError(403, googleBody(403, 'insufficientPermissions')), 'g@acme', 'scope/members');
    assert.ok(f instanceof ApplicationFailure);
    assert.equal(f.type, FailureType.GoogleScopeMissing);
    assert.match(f.message, /^add members to g@acme: the service account is not authorised for scope\/members\./);
  });

  it('a member insert: a cycle or a missing scope fails the activity; not visible yet and transient errors wait', () => {
    const member = { email: 'u@acme', role: 'MEMBER' as const };
    const outcome = (err: unknown) => memberInsertOutcome(err, 'g@acme', member, 'scope/members');
    const cyclic =
      'cannot add u@acme to g@acme: Cyclic memberships not allowed (u@acme already contains g@acme, directly or through nested groups). Remove it from members.';
    for (const err of [
      gaxiosError(412, googleBody(412, 'conditionNotMet', 'precondition')),
      gaxiosError(400, googleBody(400, 'invalid', 'Cyclic memberships not allowed')),
    ]) {
      const o = outcome(err);
      assert.ok('fatal' in o && o.fatal instanceof ApplicationFailure);
      assert.equal(o.fatal.type, FailureType.GoogleCyclicMembership);
      assert.equal(o.fatal.nonRetryable, true);
      assert.equal(o.fatal.message, cyclic);
    }
    assert.deepEqual(outcome(gaxiosError(404, googleBody(404, 'notFound', 'Resource Not Found: groupKey'))), {
      transient: { message: 'group g@acme not visible yet to the Directory API (just created)' },
    });
    assert.deepEqual(outcome(gaxiosError(503, googleBody(503, 'backendError', 'busy'), { 'retry-after': '4' })), {
      transient: { message: 'busy', retryAfterMs: 4000 },
    });
    assert.deepEqual(outcome(gaxiosError(429, googleBody(429, undefined, 'slow'))), {
      transient: { message: 'slow', retryAfterMs: undefined },
    });
    const scope = outcome(gaxiosError(403, googleBody(403, 'insufficientPermissions', 'no')));
    assert.ok('fatal' in scope && scope.fatal instanceof ApplicationFailure);
    assert.equal(scope.fatal.type, FailureType.GoogleScopeMissing);
    assert.match(scope.fatal.message, /^add members to g@acme: /);
  });

  it('a member insert: anything else fails that member only, saying why', () => {
    const member = { email: 'u@acme', role: 'MANAGER' as const };
    const failed = (reason: string) => ({ progress: { email: 'u@acme', role: 'MANAGER', outcome: 'failed', reason } });
    const outcome = (err: unknown) => memberInsertOutcome(err, 'g@acme', member, 'scope/members');
    assert.deepEqual(
      outcome(gaxiosError(404, googleBody(404, 'notFound', 'Resource Not Found: memberKey'))),
      failed('no such user or group in the domain: check the email')
    );
    assert.deepEqual(outcome(gaxiosError(400, googleBody(400, 'invalid', 'bad email'))), failed('invalid: bad email'));
    assert.deepEqual(outcome(gaxiosError(409, googleBody(409, undefined, 'odd'))), failed('409: odd'));
  });
});

describe('Google token endpoint errors of the delegation check (classifyTokenError)', () => {
  const ctx = { subject: 'admin@acme.example', serviceAccountEmail: 'sa@proj.iam.gserviceaccount.com' };
  const oauth = (status: number, error?: string, description?: string, headers: Record<string, string> = {}) =>
    gaxiosError(status, { error, error_description: description }, headers);

  it('tokenErrorInfo keeps OAuth string fields only, and the network code', () => {
    assert.deepEqual(tokenErrorInfo(oauth(400, 'invalid_grant', 'Bad', { 'retry-after': '5' })), {
      status: 400,
      error: 'invalid_grant',
      description: 'Bad',
      retryAfter: '5',
      code: undefined,
    });
    const apiStyle = tokenErrorInfo(gaxiosError(403, { error: { code: 403 }, error_description: 7 }));
    assert.equal(apiStyle.error, undefined);
    assert.equal(apiStyle.description, undefined);
    assert.deepEqual(tokenErrorInfo(Object.assign(new Error('x'), { code: 'ECONNREFUSED', status: 503 })), {
      status: 503,
      error: undefined,
      description: undefined,
      retryAfter: null,
      code: 'ECONNREFUSED',
    });
    assert.equal(tokenErrorInfo(Object.assign(new Error('x'), { code: 12 })).code, undefined);
  });

  it('not granted yet is a detail, not a failure: unauthorized_client, or access_denied "not authorized"', () => {
    assert.equal(
      classifyTokenError(oauth(401, 'unauthorized_client', 'Client is unauthorized'), ctx),
      'unauthorized_client: not granted yet, or the grant has not propagated'
    );
    assert.match(
      classifyTokenError(oauth(403, 'access_denied', 'Requested client Not Authorized'), ctx),
      /^access_denied: not granted yet/
    );
    const denied = thrown(() => classifyTokenError(oauth(403, 'access_denied', 'something else'), ctx));
    assert.equal(denied.type, FailureType.GoogleTokenRequestRejected);
    assert.equal(
      thrown(() => classifyTokenError(oauth(403, 'access_denied'), ctx)).type,
      FailureType.GoogleTokenRequestRejected
    );
  });

  it('invalid_grant names the subject or the key; invalid_client the key', () => {
    for (const d of ['Invalid email or User ID', 'not a valid email', 'impersonation denied', 'user id']) {
      const f = thrown(() => classifyTokenError(oauth(400, 'invalid_grant', d), ctx));
      assert.equal(f.type, FailureType.GoogleInvalidSubject, d);
      assert.equal(f.nonRetryable, true);
      assert.equal(
        f.message,
        `Google does not accept admin@acme.example as the user to impersonate (invalid_grant: ${d}). Fix adminEmail: it must be an existing super admin of the customer's Workspace domain.`
      );
    }
    for (const [e, d] of [
      ['invalid_grant', 'Invalid JWT Signature.'],
      ['invalid_grant', undefined],
      ['invalid_client', 'The OAuth client was not found.'],
    ] as const) {
      const f = thrown(() => classifyTokenError(oauth(400, e, d), ctx));
      assert.equal(f.type, FailureType.GoogleServiceAccountKeyRejected, `${e} ${d}`);
      assert.equal(f.nonRetryable, true);
      assert.match(
        f.message,
        new RegExp(
          `^Google rejected the service account key of sa@proj\\.iam\\.gserviceaccount\\.com \\(${e}${d ? `: ${d.replace(/\./g, '\\.')}` : ''}\\)\\. Fix:`
        )
      );
    }
  });

  it('429/5xx retryable with Retry-After; network errors retryable; other HTTP answers permanent; anything else retried', () => {
    const busy = thrown(() => classifyTokenError(oauth(503, undefined, undefined, { 'retry-after': '9' }), ctx));
    assert.equal(busy.type, FailureType.GoogleTokenEndpointUnavailable);
    assert.equal(busy.nonRetryable, false);
    assert.equal(busy.nextRetryDelay, 9000);
    assert.equal(busy.message, 'Google token endpoint answered HTTP 503; retrying');
    const limited = thrown(() => classifyTokenError(oauth(429, 'rate_limited', 'slow'), ctx));
    assert.equal(limited.message, 'Google token endpoint answered rate_limited: slow; retrying');
    assert.equal(limited.nextRetryDelay, undefined);

    const down = thrown(() => classifyTokenError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), ctx));
    assert.equal(down.type, FailureType.GoogleTokenEndpointUnreachable);
    assert.equal(down.nonRetryable, false);
    assert.equal(down.message, 'Google token endpoint unreachable (ECONNREFUSED); retrying');
    assert.equal(down.nextRetryDelay, undefined, 'no Retry-After without an answer: the policy backs off');
    const aborted = thrown(() => classifyTokenError(Object.assign(new Error('x'), { name: 'AbortError' }), ctx));
    assert.equal(aborted.message, 'Google token endpoint unreachable (network error); retrying');

    const refused = thrown(() => classifyTokenError(oauth(400, 'invalid_scope', 'bad scope'), ctx));
    assert.equal(refused.type, FailureType.GoogleTokenRequestRejected);
    assert.equal(refused.nonRetryable, true);
    assert.equal(
      refused.message,
      'Google token endpoint refused the request (invalid_scope: bad scope). Check the service account and scopes.'
    );

    const odd = thrown(() => classifyTokenError(new Error('something odd'), ctx));
    assert.equal(odd.type, FailureType.GoogleTokenRequestFailed);
    assert.equal(odd.nonRetryable, false);
    assert.equal(odd.message, 'Google token request failed: something odd');
  });
});

describe('Google token endpoint errors of the Admin API clients (classifyAdminTokenError)', () => {
  const oauth = (status: number | undefined, error?: string, description?: string, headers = {}, extra = {}) =>
    gaxiosError(status, { error, error_description: description }, headers, extra);
  const classify = (err: unknown) => classifyAdminTokenError(err, 'create role R', ['s1', 's2'], 'admin@acme.example');

  it('unauthorized_client and access_denied: the scopes are not granted, whatever the description', () => {
    for (const error of ['unauthorized_client', 'access_denied']) {
      const f = classify(oauth(401, error, 'anything'));
      assert.equal(f.type, FailureType.GoogleScopeMissing, error);
      assert.equal(f.message, missingScope('create role R', ['s1', 's2']).message);
    }
  });

  it('invalid_grant and invalid_client: the subject or the key, named; never retried', () => {
    const grant = classify(oauth(400, 'invalid_grant', 'Invalid email or User ID'));
    assert.equal(grant.type, FailureType.GoogleTokenRejected);
    assert.equal(grant.nonRetryable, true);
    assert.equal(
      grant.message,
      'create role R: Google rejected the token request as admin@acme.example (invalid_grant: Invalid email or User ID). Check adminEmail (an existing super admin) and the key referenced by serviceAccount.keyRef.'
    );
    const client = classify(oauth(401, 'invalid_client'));
    assert.equal(client.type, FailureType.GoogleTokenRejected);
    assert.match(client.message, /as admin@acme\.example \(invalid_client: \)\. Check adminEmail/);
  });

  it('other 4xx answers (not 429) are refusals; 429, 5xx and no answer are retried with Retry-After', () => {
    const refused = classify(oauth(400, 'invalid_scope'));
    assert.equal(refused.type, FailureType.GoogleTokenRequestRejected);
    assert.equal(refused.nonRetryable, true);
    assert.equal(refused.message, 'create role R: the token endpoint refused the request (HTTP 400 invalid_scope)');
    assert.equal(classify(oauth(499)).message, 'create role R: the token endpoint refused the request (HTTP 499 )');

    const limited = classify(oauth(429, 'rate_limited', undefined, { 'retry-after': '7' }));
    assert.equal(limited.type, FailureType.GoogleTokenEndpointUnavailable);
    assert.equal(limited.nonRetryable, false);
    assert.equal(limited.nextRetryDelay, 7000);
    assert.equal(limited.message, 'create role R: token endpoint unavailable (rate_limited); retrying');
    const down = classify(oauth(500));
    assert.equal(down.type, FailureType.GoogleTokenEndpointUnavailable);
    assert.equal(down.message, 'create role R: token endpoint unavailable (500); retrying');
    assert.equal(down.nextRetryDelay, undefined);
    const reset = classify(oauth(undefined, undefined, undefined, {}, { code: 'ECONNRESET' }));
    assert.equal(reset.nonRetryable, false);
    assert.equal(reset.message, 'create role R: token endpoint unavailable (ECONNRESET); retrying');
    assert.equal(classify(new Error('odd')).message, 'create role R: token endpoint unavailable (network); retrying');
  });
});

describe('Autotask errors (toFailure)', () => {
  const fail = (status: number, errors: string[], endpoint = 'Companies/query', retryAfterMs?: number) =>
    toFailure(new AutotaskApiError(status, errors, endpoint, retryAfterMs), 'api@acme', 'listing companies');
  const app = (e: Error) => {
    assert.ok(e instanceof ApplicationFailure, String(e));
    return e;
  };

  it('anything but an AutotaskApiError passes through untouched', () => {
    const e = new Error('boom');
    assert.equal(toFailure(e, 'u', 'x'), e);
  });

  it('401: never retried (bad secrets lock the user), names Active/Locked and the secret', () => {
    const f = app(fail(401, []));
    assert.equal(f.type, FailureType.AutotaskCredentialsRejected);
    assert.equal(f.nonRetryable, true);
    assert.match(
      f.message,
      /^Autotask rejected the credentials of API user api@acme while listing companies \(HTTP 401\)/
    );
    assert.match(f.message, /Active is checked and Locked unchecked/);
  });

  it('500s that mean a wrong integration code, an unknown user, or a missing permission', () => {
    const code = app(fail(500, ['IntegrationCode is invalid.']));
    assert.equal(code.type, FailureType.AutotaskIntegrationCodeRejected);
    assert.equal(code.nonRetryable, true);
    assert.match(
      code.message,
      /HTTP 500 "IntegrationCode is invalid\."\)\. Fix: select the vendor's Integration Vendor/
    );
    // With the vendor profile's Integration Vendor: the one the admin must select, and why a new user is needed.
    const named = app(
      toFailure(
        new AutotaskApiError(500, ['IntegrationCode is invalid.'], 'Companies/query'),
        'api@acme',
        'listing companies',
        'Sophos Central - Security'
      )
    );
    assert.equal(named.type, FailureType.AutotaskIntegrationCodeRejected);
    assert.equal(named.nonRetryable, true);
    assert.match(
      named.message,
      /tracking identifier of "Sophos Central - Security" for API user api@acme .*create a new API user and select "Sophos Central - Security" under API Tracking Identifier > Integration Vendor/
    );
    assert.equal(app(fail(500, ['Unknown user name'])).type, FailureType.AutotaskUnknownUser);
    assert.equal(app(fail(500, ['No such API user'])).type, FailureType.AutotaskUnknownUser);
    assert.match(
      app(fail(500, ['Unknown user name'])).message,
      /does not know API user api@acme \(HTTP 500 "Unknown user name"\)/
    );
    // The same words on another status are not these.
    assert.equal(app(fail(400, ['IntegrationCode is invalid.'])).type, FailureType.AutotaskRequestRejected);
    assert.equal(app(fail(400, ['Unknown user name'])).type, FailureType.AutotaskRequestRejected);

    const perm = app(fail(500, ['User does not have adequate permissions']));
    assert.equal(perm.type, FailureType.AutotaskPermissionDenied);
    assert.equal(perm.nonRetryable, true);
    assert.match(perm.message, /^API user api@acme lacks a permission while listing companies/);
    assert.equal(app(fail(403, ['not adequate permissions'])).type, FailureType.AutotaskPermissionDenied);
    const hooks = app(fail(403, ['adequate permissions'], 'TicketWebhooks'));
    assert.equal(hooks.type, FailureType.AutotaskWebhooksDisabled);
    assert.match(
      hooks.message,
      /^Webhooks are not enabled for API user api@acme's security level \(listing companies:/
    );
    assert.equal(
      app(fail(400, ['adequate permissions'])).type,
      FailureType.AutotaskRequestRejected,
      'only on 500 or 403'
    );
  });

  it('the webhook limit, on any status', () => {
    const f = app(fail(400, ['You have reached the Maximum Number of Webhooks allowed']));
    assert.equal(f.type, FailureType.AutotaskWebhookLimitReached);
    assert.equal(f.nonRetryable, true);
    assert.match(
      f.message,
      /^The webhook limit of API user api@acme's security level is reached while listing companies/
    );
  });

  it('429/5xx otherwise retryable with Retry-After; other answers permanent, naming the call', () => {
    const busy = app(fail(429, ['Rate limit'], 'Companies/query', 4000));
    assert.equal(busy.type, FailureType.AutotaskUnavailable);
    assert.equal(busy.nonRetryable, false);
    assert.equal(busy.nextRetryDelay, 4000);
    assert.equal(busy.message, 'Autotask answered HTTP 429 on Companies/query: Rate limit; retrying');
    assert.equal(app(fail(503, [])).type, FailureType.AutotaskUnavailable);
    const bad = app(fail(404, ['Not found']));
    assert.equal(bad.type, FailureType.AutotaskRequestRejected);
    assert.equal(bad.nonRetryable, true);
    assert.equal(bad.message, 'Autotask answered HTTP 404 on Companies/query: Not found (while listing companies)');
  });
});

describe('Autotask answers and failed sends (autotask-error-classifier)', () => {
  it('AutotaskApiError says the status, the call and the errors, if any', () => {
    const e = new AutotaskApiError(404, [], 'GET Companies');
    assert.equal(e.name, 'AutotaskApiError');
    assert.equal(e.message, 'Autotask answered HTTP 404 on GET Companies');
    assert.equal(new AutotaskApiError(400, ['a', 'b'], 'GET X').message, 'Autotask answered HTTP 400 on GET X: a; b');
  });

  it("errorList reads a body's errors[] as text: strings as they are, objects by their message", () => {
    assert.deepEqual(errorList(undefined), []);
    assert.deepEqual(errorList({ errors: 'not a list' }), []);
    assert.deepEqual(errorList({ errors: ['plain', { message: 'said' }, { code: 1 }, { message: null }] }), [
      'plain',
      '"said"',
      '{"code":1}',
      '{"message":null}',
    ]);
  });

  it('zone discovery: 500 is an unknown user, 429/5xx are retried with Retry-After, anything else is permanent', () => {
    const unknown = zoneDiscoveryFailure(500, 'api@acme', '9');
    assert.equal(unknown.type, FailureType.AutotaskUnknownUser);
    assert.equal(unknown.nonRetryable, true);
    assert.equal(
      unknown.message,
      `Autotask does not know the API user "api@acme" (zone discovery answered 500). Fix: copy the API user's Username (key) exactly from Admin > Resources/Users, and check the user was saved.`
    );
    for (const status of [429, 503]) {
      const busy = zoneDiscoveryFailure(status, 'api@acme', '3');
      assert.equal(busy.type, FailureType.AutotaskUnavailable);
      assert.equal(busy.nonRetryable, false);
      assert.equal(busy.nextRetryDelay, 3000);
      assert.equal(busy.message, `Autotask zone discovery answered ${status}; retrying`);
    }
    assert.equal(zoneDiscoveryFailure(502, 'api@acme').nextRetryDelay, undefined);
    const odd = zoneDiscoveryFailure(404, 'api@acme');
    assert.equal(odd.type, FailureType.AutotaskZoneDiscoveryFailed);
    assert.equal(odd.nonRetryable, true);
    assert.equal(odd.message, 'Autotask zone discovery answered HTTP 404');
  });

  it('no answer is retried, naming the network code; other errors pass through', () => {
    const down = zoneDiscoveryUnreachable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    assert.ok(down instanceof ApplicationFailure);
    assert.equal(down.type, FailureType.AutotaskUnreachable);
    assert.equal(down.nonRetryable, false);
    assert.equal(down.message, 'Autotask zone discovery unreachable (ECONNREFUSED); retrying');
    const other = new Error('bug');
    assert.equal(zoneDiscoveryUnreachable(other), other);

    const call = callFailure(Object.assign(new Error('x'), { name: 'TimeoutError' }), 'Companies');
    assert.ok(call instanceof ApplicationFailure);
    assert.equal(call.type, FailureType.AutotaskUnreachable);
    assert.equal(call.nonRetryable, false);
    assert.equal(call.message, 'Autotask unreachable on Companies (network); retrying');
    assert.equal(callFailure(other, 'Companies'), other);
  });

  it('a call the limiter held back is retried once the limit has room', () => {
    const held = callFailure(new LimitReachedError('Autotask limit reached for acme', 1234), 'Companies');
    assert.ok(held instanceof ApplicationFailure);
    assert.equal(held.type, FailureType.AutotaskRateLimited);
    assert.equal(held.nonRetryable, false);
    assert.equal(held.nextRetryDelay, 1234);
    assert.equal(held.message, 'Autotask limit reached for acme');
  });
});
