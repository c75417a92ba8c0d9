import { z } from 'zod';
import type { DirectoryState } from '../directory-state';
import type { GoogleTenantState } from '../google-state';

/** What the Google admin API's operations work on: the tenant (accounts, users, delegation) and its directory. */
export interface GoogleAdminDeps {
  state: GoogleTenantState;
  directory: DirectoryState;
}

/** An email address as the Admin console keeps it (lower case). */
export const email = z.email().transform((s) => s.toLowerCase());
