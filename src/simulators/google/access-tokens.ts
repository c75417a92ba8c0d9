import { randomBytes } from 'node:crypto';

/** Access tokens the simulated token endpoint issued, so API routes can check who called with which scopes. */
export interface IssuedToken {
  /** The impersonated user (`sub`), or the service account itself without delegation. */
  subject: string;
  /** The service account that minted it (its project is the API consumer). */
  serviceAccount?: string;
  scopes: Set<string>;
  expiresAt: number;
}

export class AccessTokenBook {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(subject: string, scopes: string[], lifetimeS = 3599, serviceAccount?: string): string {
    const token = `ya29.sim-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, {
      subject: subject.toLowerCase(),
      ...(serviceAccount ? { serviceAccount: serviceAccount.toLowerCase() } : {}),
      scopes: new Set(scopes),
      expiresAt: this.now() + lifetimeS * 1000,
    });
    return token;
  }

  /** The token behind an `Authorization: Bearer …` header, if it is known and unexpired. */
  fromHeader(header: string | undefined): IssuedToken | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const t = m ? this.tokens.get(m[1]!) : undefined;
    return t && t.expiresAt > this.now() ? t : undefined;
  }
}
