/**
 * Which hosts are ConnectWise's own: the door (src/services/orders.ts) and the activities
 * (src/activities/connectwise/site.ts) apply the same allow-list, so an order the door accepts is one the
 * worker will talk to.
 */

/** ConnectWise cloud and staging UI hosts (vendor-apis.md C1); the API lives on the `api-` twin. */
const CLOUD_HOST = /^(?:api-)?(na|eu|au|aus|za)\.myconnectwise\.net$/;
const STAGING_HOST = /^(?:api-)?staging\.connectwisedev\.com$/;

export function isConnectwiseCloudHost(host: string): boolean {
  return CLOUD_HOST.test(host) || STAGING_HOST.test(host);
}

/** Cloud API calls must use the `api-` host; without it ConnectWise answers "SSL is required". */
export function apiHostFor(host: string): string {
  const h = host.toLowerCase();
  return isConnectwiseCloudHost(h) && !h.startsWith('api-') ? `api-${h}` : h;
}
