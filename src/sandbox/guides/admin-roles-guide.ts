import {
  ADMIN_ROLE_SCOPES,
  adminRoleWorkflowId,
  parseAdminRoleInput,
  type AdminRoleRequest,
} from '../../domain/google-admin-roles-schema';
import type { AdminRoleResult, AdminRoleStatus } from '../../contract/google-admin-roles-messages';
import type { googleAdminRoleProvisioning } from '../../workflows';
import { admin, follow, GuideError, GuideLog, runTag, sleep, startWorkflow, type GuideContext } from './guide-steps';

/** Seed 003's steps, by the workflow step (status.steps key) that performs them. */
const SEED_STEPS: [string, string, string][] = [
  ['1', 'group', 'Create the security group (Cloud Identity groups.create with the security label)'],
  ['2', 'members', 'Add the members (Directory members.insert)'],
  ['2', 'propagation', '...and wait until Google lists every member'],
  ['3', 'role', 'Create the custom admin role with EDU_ANALYTICS_DATA_ACCESS (privileges.list, roles.insert)'],
  ['4-5', 'assignments', 'Look up the org unit IDs; assign the role to the group in each (roleAssignments.insert)'],
];

export interface AdminRolesGuideResult {
  workflowId: string;
  customer: string;
  result: AdminRoleResult;
  assignments: { roleName: string; assignedTo: string; orgUnitPath?: string }[];
}

/** Seed 003: a custom admin role (Classroom analytics) for a new security group, in two org units. */
export async function runAdminRolesGuide(
  ctx: GuideContext,
  opts: { customer?: string } = {}
): Promise<AdminRolesGuideResult> {
  const log = new GuideLog(ctx);
  const tag = runTag();
  const domain = opts.customer ?? `school-${tag}.example`;
  const adminEmail = `admin@${domain}`;
  log.title(`Seed 003: custom admin role for a security group (customer ${domain})`);

  const customer = await admin<{ customerId: string; orgUnits: { orgUnitPath: string }[] }>(
    ctx.googleUrl,
    'GET',
    `/customer?domain=${domain}`
  );
  log.step(
    'Prerequisite',
    'customer admin',
    `Find the customer ID: ${customer.customerId} (Account > Account settings)`
  );
  await admin(ctx.googleUrl, 'POST', '/users', { email: adminEmail });
  const teachers = [1, 2, 3].map((i) => `teacher${i}@${domain}`);
  for (const email of teachers) await admin(ctx.googleUrl, 'POST', '/users', { email });
  log.note(`(simulator) POST /_admin/users: ${adminEmail} (super admin) and ${teachers.join(', ')}`);
  log.step(
    'Prerequisite',
    'customer admin',
    `Authorize the vendor's client ${ctx.serviceAccount.clientId} for the ${Object.keys(ADMIN_ROLE_SCOPES).length} scopes of the guide (API controls > Domain-wide delegation)`
  );
  const grant = await admin<{ visibleAt?: string }>(
    ctx.googleUrl,
    'PUT',
    `/domain-wide-delegation/${ctx.serviceAccount.clientId}`,
    { domain, scopes: Object.values(ADMIN_ROLE_SCOPES), signedInAs: adminEmail }
  );
  const wait = grant.visibleAt ? Date.parse(grant.visibleAt) - Date.now() : 0;
  if (wait > 0) {
    log.note(`Google propagates the grant in ~${Math.ceil(wait / 1000)} s; waiting`);
    await sleep(wait + 500);
  }

  const request: AdminRoleRequest = {
    customer: { domain, customerId: customer.customerId },
    adminEmail,
    vendor: { name: 'Google Workspace for Education' },
    serviceAccount: { email: ctx.serviceAccount.email, keyRef: ctx.serviceAccount.keyRef },
    group: {
      email: `classroom-analytics-${tag}@${domain}`,
      displayName: 'Leadership School A',
      description: 'This is the leadership group of school A.',
    },
    members: teachers.map((email) => ({ email })),
    role: {
      name: `Education Admin ${tag}`,
      description: 'Access to view analytics data',
      privileges: ['EDU_ANALYTICS_DATA_ACCESS'],
    },
    scope: { type: 'ORG_UNIT', orgUnitPaths: ['/Students', '/Teachers'] },
    membership: { propagationTimeoutMinutes: 15, pollSeconds: ctx.fast ? 1 : 2, batchSize: 250 },
  };
  const handle = await startWorkflow<typeof googleAdminRoleProvisioning>(ctx, 'googleAdminRoleProvisioning', request, {
    workflowId: adminRoleWorkflowId(parseAdminRoleInput(request)),
    staticSummary: `Google custom admin role "${request.role.name}" for ${request.group.email}`,
  });
  log.step('-', 'Onramp', "Run the guide's five steps through the Google APIs, impersonating the admin");
  log.webUi(handle.workflowId);
  const status = await follow<AdminRoleStatus>(
    handle,
    (s) => `[${s.step}]`,
    (s) => s.state !== 'running',
    log.note.bind(log),
    { intervalMs: ctx.fast ? 200 : 500 }
  );
  for (const [n, key, text] of SEED_STEPS) log.step(n, 'Onramp', `${text}: ${status.steps[key] ?? 'not run'}`);
  if (status.state !== 'completed') throw new GuideError(status.error ?? `provisioning ended in state ${status.state}`);
  const result = await handle.result();
  const assignments = (
    await admin<{ roleName: string; assignedTo: string; orgUnitPath?: string }[]>(
      ctx.googleUrl,
      'GET',
      '/role-assignments'
    )
  ).filter((a) => a.roleName === request.role.name);
  log.result(
    [
      `group ${result.groupName ?? request.group.email} with ${result.members.added + result.members.alreadyPresent}/${result.members.total} members, role ${result.roleId}`,
      ...assignments.map(
        (a) =>
          `  Admin console > Admin roles: "${a.roleName}" -> ${a.assignedTo} in ${a.orgUnitPath ?? 'the whole customer'}`
      ),
    ].join('\n')
  );
  return { workflowId: handle.workflowId, customer: domain, result, assignments };
}
