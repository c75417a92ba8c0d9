/**
 * What can go wrong with an operator's request about an order, whoever finds it: the services the intake
 * and CLI call, and the activity that reads an order's progress. The doors map them to 404 / 409.
 */

export class OrderNotFoundError extends Error {
  constructor(readonly orderId: string) {
    super(`no onboarding for order ${orderId}`);
    this.name = 'OrderNotFoundError';
  }
}

/** The order exists, but the action asked for does not fit the state it is in. */
export class OperatorActionError extends Error {
  override name = 'OperatorActionError';
}
