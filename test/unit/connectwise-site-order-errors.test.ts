/**
 * ConnectWise's host allow-list and API host (src/rules/connectwise-site-rules.ts), and the order errors the
 * doors map to 404 / 409 by name (src/rules/order-errors.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiHostFor, isConnectwiseCloudHost } from '../../src/rules/connectwise-site-rules';
import { OperatorActionError, OrderNotFoundError } from '../../src/rules/order-errors';

describe('ConnectWise hosts', () => {
  it("accepts exactly the cloud regions' and staging's hosts, with or without the api- prefix", () => {
    for (const h of [
      'na.myconnectwise.net',
      'api-eu.myconnectwise.net',
      'aus.myconnectwise.net',
      'za.myconnectwise.net',
    ]) {
      assert.equal(isConnectwiseCloudHost(h), true, h);
    }
    assert.equal(isConnectwiseCloudHost('staging.connectwisedev.com'), true);
    assert.equal(isConnectwiseCloudHost('api-staging.connectwisedev.com'), true);
    for (const h of [
      'cw.example.com',
      'evil-na.myconnectwise.net',
      'na.myconnectwise.net.evil.example',
      'evilstaging.connectwisedev.com',
      'staging.connectwisedev.com.evil.example',
      'xapi-staging.connectwisedev.com',
    ]) {
      assert.equal(isConnectwiseCloudHost(h), false, h);
    }
  });

  it('calls the api- twin of a cloud host, lower-cased, and an on-premises host as it is', () => {
    assert.equal(apiHostFor('NA.MyConnectWise.net'), 'api-na.myconnectwise.net');
    assert.equal(apiHostFor('api-eu.myconnectwise.net'), 'api-eu.myconnectwise.net');
    assert.equal(apiHostFor('staging.connectwisedev.com'), 'api-staging.connectwisedev.com');
    assert.equal(apiHostFor('CW.Example.com'), 'cw.example.com');
    assert.equal(apiHostFor('cw.api-example.com'), 'cw.api-example.com');
  });
});

describe('order errors', () => {
  it('name themselves, and the order that was not found', () => {
    const missing = new OrderNotFoundError('SO-9');
    assert.equal(missing.name, 'OrderNotFoundError');
    assert.equal(missing.message, 'no onboarding for order SO-9');
    assert.equal(missing.orderId, 'SO-9');
    assert.equal(new OperatorActionError('not failed').name, 'OperatorActionError');
  });
});
