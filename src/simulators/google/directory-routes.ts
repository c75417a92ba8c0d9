import type { FastifyInstance } from 'fastify';
import { directoryContext, type DirectoryRouteDeps } from './directory-context';
import { registerGoogleGroupRoutes } from './routes/google-group-routes';
import { registerGoogleMemberRoutes } from './routes/google-member-routes';
import { registerGoogleOrgUnitRoutes } from './routes/google-org-unit-routes';
import { registerGoogleRoleAssignmentRoutes } from './routes/google-role-assignment-routes';
import { registerGoogleRoleRoutes } from './routes/google-role-routes';
import { registerGoogleUserRoutes } from './routes/google-user-routes';

/**
 * Cloud Identity Groups (v1) and Admin SDK Directory (v1) routes of the Google simulator, with Google's
 * two error shapes: Directory's classic `{error:{code,message,errors:[{domain,reason}]}}` and Cloud
 * Identity's `{error:{code,message,status}}`. Every call needs a token the simulator's /token endpoint
 * minted for a user holding one of the route's scopes.
 */
export function registerDirectoryRoutes(app: FastifyInstance, deps: DirectoryRouteDeps): void {
  const ctx = directoryContext(app, deps);
  registerGoogleGroupRoutes(ctx);
  registerGoogleMemberRoutes(ctx);
  registerGoogleUserRoutes(ctx);
  registerGoogleRoleRoutes(ctx);
  registerGoogleOrgUnitRoutes(ctx);
  registerGoogleRoleAssignmentRoutes(ctx);
}
