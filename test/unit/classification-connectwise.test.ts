/**
 * ConnectWise error classification as pure functions (src/activities/connectwise/connectwise-error-classifier.ts):
 * the answer that was not a success, the request that got no answer, and the `next` link that points outside the
 * tenant's API. The vendor error table (test/faults/vendor-errors.test.ts) runs the same paths over HTTP; these
 * pin every branch for the mutation run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import {
  classifyCwAnswer,
  connectWiseUnreachable,
  CW_DEFAULT_THROTTLE_PAUSE_MS,
  cwFailedAnswer,
  CwObjectExists,
  foreignLinkFailure,
  parseLinkHeader,
  type CwAnswer,
} from '../../src/activities/connectwise/connectwise-error-classifier';
import { FailureType } from '../../src/contract/failure-types';

function answer(status: number, body: unknown, more: Partial<CwAnswer> = {}): CwAnswer {
  return {
    method: 'POST',
    path: '/company/companies',
    status,
    text: typeof body === 'string' ? body : JSON.stringify(body),
    ...more,
  };
}
function failure(a: CwAnswer, isCloud = false): ApplicationFailure {
  const e = classifyCwAnswer(a, isCloud);
  assert.ok(e instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(e)}`);
  return e;
}

describe('ConnectWise answers (classifyCwAnswer)', () => {
  it('429 is throttled, other 5xx and 408 unavailable: retried with Retry-After, saying what ConnectWise said', () => {
    const throttled = failure(answer(429, { code: 'Throttled', message: 'slow down' }, { retryAfterMs: 2000 }));
    assert.equal(throttled.type, FailureType.ConnectWiseThrottled);
    assert.equal(throttled.nonRetryable, false);
    assert.equal(throttled.nextRetryDelay, 2000);
    assert.equal(
      throttled.message,
      'ConnectWise POST /company/companies answered 429 (Throttled; slow down); retrying'
    );
    const html = failure(answer(503, '<html>Bad gateway</html>', { method: 'GET' }));
    assert.equal(html.type, FailureType.ConnectWiseUnavailable);
    assert.equal(html.nonRetryable, false);
    assert.equal(html.nextRetryDelay, undefined);
    assert.equal(html.message, 'ConnectWise GET /company/companies answered 503; retrying');
    assert.equal(failure(answer(408, {})).type, FailureType.ConnectWiseUnavailable);
  });

  it('400 ObjectExists is a lookup (CwObjectExists with its field), not a failure; on another status it is not', () => {
    const exists = classifyCwAnswer(
      answer(400, {
        code: 'InvalidObject',
        errors: [{ code: 'Other' }, { code: 'ObjectExists', field: 'identifier' }],
      }),
      false
    );
    assert.ok(exists instanceof CwObjectExists);
    assert.equal(exists.field, 'identifier');
    assert.equal(exists.name, 'CwObjectExists');
    assert.equal(exists.message, 'ConnectWise: object exists (identifier)');
    const noField = classifyCwAnswer(answer(400, { errors: [{ code: 'ObjectExists' }] }), false);
    assert.ok(noField instanceof CwObjectExists);
    assert.equal(noField.message, 'ConnectWise: object exists');
    assert.equal(
      failure(answer(409, { errors: [{ code: 'ObjectExists' }] })).type,
      FailureType.ConnectWiseRequestRejected
    );
  });

  it('400 naming the clientId says where to get one', () => {
    const f = failure(answer(400, { message: 'ClientId is invalid' }));
    assert.equal(f.type, FailureType.ConnectWiseClientIdRejected);
    assert.equal(f.nonRetryable, true);
    assert.equal(
      f.message,
      "ConnectWise refused POST /company/companies: ClientId is invalid. Fix connection.clientId: the integration's clientId GUID from developer.connectwise.com."
    );
    assert.equal(failure(answer(403, { message: 'clientid' })).type, FailureType.ConnectWisePermissionDenied);
  });

  it('401: the API keys; 403: the security role; with or without what ConnectWise said', () => {
    const keys = failure(answer(401, { message: 'bad keys' }));
    assert.equal(keys.type, FailureType.ConnectWiseAuthRejected);
    assert.equal(keys.nonRetryable, true);
    assert.match(keys.message, /^ConnectWise rejected the API keys \(401 on POST \/company\/companies: bad keys\)\. /);
    assert.match(
      failure(answer(401, '')).message,
      /^ConnectWise rejected the API keys \(401 on POST \/company\/companies\)\. /
    );
    const role = failure(answer(403, { message: 'no' }));
    assert.equal(role.type, FailureType.ConnectWisePermissionDenied);
    assert.equal(role.nonRetryable, true);
    assert.equal(
      role.message,
      "ConnectWise denied POST /company/companies (403: no): the API member's security role lacks a permission. Fix it under System > Security Roles."
    );
    assert.match(failure(answer(403, {})).message, /^ConnectWise denied POST \/company\/companies \(403\): /);
  });

  it('404 from /system/info on a cloud site means the credentials were not accepted; elsewhere it is a 404', () => {
    const info = { method: 'GET', path: '/system/info' };
    const cloud = failure(answer(404, {}, info), true);
    assert.equal(cloud.type, FailureType.ConnectWiseAuthRejected);
    assert.equal(cloud.nonRetryable, true);
    assert.match(cloud.message, /^ConnectWise answered 404 to GET \/system\/info\. On cloud sites /);
    assert.equal(
      failure(answer(404, {}, { path: '/system/info/licenses' }), true).type,
      FailureType.ConnectWiseAuthRejected
    );
    const onPremise = failure(answer(404, {}, info), false);
    assert.equal(onPremise.type, FailureType.ConnectWiseRequestRejected);
    assert.equal(onPremise.message, 'ConnectWise refused GET /system/info with 404');
    assert.equal(
      failure(answer(404, {}, { path: '/x/system/info' }), true).type,
      FailureType.ConnectWiseRequestRejected
    );
  });

  it('anything else is permanent: a bad request, or a refusal, listing every error ConnectWise gave', () => {
    const bad = failure(
      answer(400, {
        code: 'InvalidObject',
        message: 'company object is invalid',
        errors: [{ code: 'InvalidField', field: 'name', message: 'too long' }, { message: 'only a message' }, {}],
      })
    );
    assert.equal(bad.type, FailureType.ConnectWiseBadRequest);
    assert.equal(bad.nonRetryable, true);
    assert.equal(
      bad.message,
      'ConnectWise refused POST /company/companies with 400: InvalidObject; company object is invalid; InvalidField name too long; only a message'
    );
    assert.equal(
      failure(answer(400, { errors: null })).message,
      'ConnectWise refused POST /company/companies with 400'
    );
    const gone = failure(answer(410, 'not json'));
    assert.equal(gone.type, FailureType.ConnectWiseRequestRejected);
    assert.equal(gone.message, 'ConnectWise refused POST /company/companies with 410');
  });
});

describe('ConnectWise requests without an answer, and links outside the API', () => {
  it('a network error is retried, naming its code; any other error passes through', () => {
    const reset = connectWiseUnreachable(Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'GET', '/v4/a');
    assert.ok(reset instanceof ApplicationFailure);
    assert.equal(reset.type, FailureType.ConnectWiseUnreachable);
    assert.equal(reset.nonRetryable, false);
    assert.equal(reset.message, 'ConnectWise GET /v4/a failed (ECONNRESET); retrying');
    const timeout = connectWiseUnreachable(Object.assign(new Error('x'), { name: 'TimeoutError' }), 'POST', '/b');
    assert.equal((timeout as Error).message, 'ConnectWise POST /b failed (network error); retrying');
    const bug = new Error('bug');
    assert.equal(connectWiseUnreachable(bug, 'GET', '/a'), bug);
  });

  it("a link is followed only on the tenant's own origin and below its API path", () => {
    const base = new URL('https://cw.example/v4_6_release/apis/3.0/');
    assert.equal(
      foreignLinkFailure(new URL('https://cw.example/v4_6_release/apis/3.0/company?page=2'), base),
      undefined
    );
    const elsewhere = foreignLinkFailure(new URL('https://evil.example/v4_6_release/apis/3.0/company'), base);
    assert.ok(elsewhere);
    assert.equal(elsewhere.type, FailureType.ConnectWiseForeignLink);
    assert.equal(elsewhere.nonRetryable, true);
    assert.equal(
      elsewhere.message,
      'ConnectWise returned a link outside its API (https://evil.example); refusing to follow it'
    );
    assert.equal(
      foreignLinkFailure(new URL('https://cw.example/other/company'), base)?.type,
      FailureType.ConnectWiseForeignLink
    );
  });
});

describe("What the client does with a non-2xx answer (cwFailedAnswer), and the pages' Link header", () => {
  const base = new URL('https://cw.example/v4_6_release/apis/3.0/');
  const url = new URL('https://cw.example/v4_6_release/apis/3.0/company/companies?page=2');
  const res = (status: number, retryAfter: string | string[] | undefined, text = '{}') => ({
    method: 'GET',
    url,
    base,
    status,
    text,
    retryAfter,
  });

  it('a 429 pauses the tenant for its Retry-After (the first, if repeated), or 30 s without a readable one', () => {
    const told = cwFailedAnswer(res(429, '7'), false);
    assert.equal(told.pauseMs, 7000);
    assert.ok(told.error instanceof ApplicationFailure);
    assert.equal(told.error.type, FailureType.ConnectWiseThrottled);
    assert.equal(
      told.error.message,
      'ConnectWise GET /company/companies answered 429; retrying',
      'the path is below the API base'
    );
    assert.equal(cwFailedAnswer(res(429, ['2', '9']), false).pauseMs, 2000);
    assert.equal(cwFailedAnswer(res(429, undefined), false).pauseMs, CW_DEFAULT_THROTTLE_PAUSE_MS);
    assert.equal(cwFailedAnswer(res(429, 'soon'), false).pauseMs, 30_000);
  });

  it("any other answer pauses nothing and carries its Retry-After into the failure's next retry delay", () => {
    const busy = cwFailedAnswer(res(503, '4'), false);
    assert.equal(busy.pauseMs, undefined);
    assert.ok(busy.error instanceof ApplicationFailure);
    assert.equal(busy.error.type, FailureType.ConnectWiseUnavailable);
    assert.equal(busy.error.nextRetryDelay, 4000);
    assert.deepEqual(Object.keys(cwFailedAnswer(res(403, undefined), false)), ['error']);
  });

  it('isCloud reaches the classification: 404 on /system/info is rejected credentials on cloud only', () => {
    const info = { ...res(404, undefined), url: new URL('https://cw.example/v4_6_release/apis/3.0/system/info') };
    assert.equal((cwFailedAnswer(info, true).error as ApplicationFailure).type, FailureType.ConnectWiseAuthRejected);
    assert.equal(
      (cwFailedAnswer(info, false).error as ApplicationFailure).type,
      FailureType.ConnectWiseRequestRejected
    );
    assert.match(cwFailedAnswer(info, false).error.message, /^ConnectWise refused GET \/system\/info with 404/);
    const conflict = { ...info, status: 409 };
    assert.equal(
      (cwFailedAnswer(conflict, true).error as ApplicationFailure).type,
      FailureType.ConnectWiseRequestRejected,
      'only a 404 there means rejected credentials'
    );
    const exists = cwFailedAnswer(
      res(400, undefined, JSON.stringify({ errors: [{ code: 'ObjectExists', field: 'identifier' }] })),
      false
    );
    assert.ok(exists.error instanceof CwObjectExists);
  });

  it('parses RFC 5988 Link headers: rel to URL, quoted or not, any case, one header or several', () => {
    assert.deepEqual(
      parseLinkHeader(
        '<https://cw.example/a?page=3>; rel="next", <https://cw.example/a?page=1>;rel=First , garbage, <x>; title="y"'
      ),
      { next: 'https://cw.example/a?page=3', first: 'https://cw.example/a?page=1' }
    );
    assert.deepEqual(parseLinkHeader(['<https://cw.example/p2>; rel="next"', '<https://cw.example/p9>; rel="last"']), {
      next: 'https://cw.example/p2',
      last: 'https://cw.example/p9',
    });
    assert.deepEqual(parseLinkHeader(undefined), {});
    assert.deepEqual(parseLinkHeader('<https://cw.example/p2>  ;  rel=next'), { next: 'https://cw.example/p2' });
  });
});
