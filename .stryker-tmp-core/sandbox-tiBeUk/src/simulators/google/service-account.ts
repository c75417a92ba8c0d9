// @ts-nocheck
import { generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';

/** A Google service-account key file, as downloaded from the Cloud console. */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

/**
 * Mint a service account for the sandbox and tests: a real RSA key pair, so the simulator verifies
 * real signatures made by google-auth-library.
 */
export function createSandboxServiceAccount(opts: { project?: string; name?: string; clientId?: string } = {}): {
  keyFile: ServiceAccountKeyFile;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const project = opts.project ?? 'onramp-sandbox';
  const clientId = opts.clientId ?? `1${Array.from({ length: 20 }, () => randomInt(10)).join('')}`;
  const email = `${opts.name ?? 'vendor-integration'}@${project}.iam.gserviceaccount.com`;
  return {
    keyFile: {
      type: 'service_account',
      project_id: project,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: clientId,
      token_uri: 'https://oauth2.googleapis.com/token',
    },
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
