import { heartbeat } from '@temporalio/activity';
import {
  ENTITY_ENDPOINT,
  accessFromCode,
  type AutotaskCredentials,
  type PermissionRequirement,
} from '../../domain/autotask-schema';
import type { PermissionCheck, WebhookEntity, WebhookSummary } from '../../contract/autotask-onboarding-messages';
import { resolveSecretRef, SecretRefError } from '../../secrets/secret-ref';
import { deriveAutotaskWebhookSecret, webhookCalloutUrl } from '../../webhooks/autotask-secret';
import type { ReceiverKeyring } from '../../secrets/rotation-state';
import { SigningKeyring } from '../../secrets/receiver-keyring-file';
import { permanent } from '../failures';
import { AutotaskClient, type AutotaskSession, type AutotaskSettings } from './autotask-client';
import { AutotaskApiError, toFailure } from './autotask-error-classifier';
import { FailureType } from '../../contract/failure-types';
import { autotaskProfileOf } from '../../domain/vendor-profile-schema';
import type { AutotaskVendorProfileView } from '../../contract/vendor-profile-messages';

export interface AutotaskTarget {
  tenant: string;
  /** The vendor profile whose tracking identifier the calls carry (resolved here, per call, never returned). */
  vendorProfile: string;
  credentials: AutotaskCredentials;
  /** From verifyAutotaskCredentials; discovered again when absent. */
  zoneUrl?: string;
}

export interface VerifiedCredentials {
  zoneUrl: string;
  zoneName?: string;
  /** The API user's resource id (for ExcludedResources); undefined when Resources cannot be queried. */
  resourceId?: number;
  threshold: { used: number; limit: number };
  /**
   * The API user's license type as Autotask labels it (Resources `licenseType`, labelled by its picklist in
   * Resources/entityInformation/fields); undefined when the user may not read Resources.
   */
  licenseType?: string;
}

export interface EnsureWebhookInput extends AutotaskTarget {
  entity: WebhookEntity;
  name: string;
  webhookUrl: string;
  deactivationUrl: string;
  signingKeyRef: string;
  fields: string[];
  events: { create: boolean; update: boolean; delete: boolean };
  excludedResourceIds: number[];
  notificationEmail?: string;
}

export interface EnsureWebhookResult extends WebhookSummary {
  created: boolean;
  fieldsAdded: number;
}

interface WebhookItem {
  id: number;
  name: string;
  webhookUrl: string;
  isActive: boolean;
  isReady: boolean;
  ownerResourceID?: number;
}

async function secret(ref: string, field: string): Promise<string> {
  try {
    return await resolveSecretRef(ref);
  } catch (err) {
    if (err instanceof SecretRefError) throw permanent(`${field}: ${err.message}`, FailureType.SecretUnavailable);
    throw err;
  }
}

const summary = (entity: WebhookEntity, h: WebhookItem): WebhookSummary => ({
  entity,
  id: h.id,
  name: h.name,
  isActive: h.isActive,
  isReady: h.isReady,
  ownerResourceId: h.ownerResourceID,
});

export function createAutotaskActivities(settings: AutotaskSettings) {
  const client = new AutotaskClient(settings);
  const configured: ReceiverKeyring | undefined =
    settings.keyring ?? (settings.receiverKeyringDir ? new SigningKeyring(settings.receiverKeyringDir) : undefined);
  const keyring = (): ReceiverKeyring => {
    if (!configured)
      throw permanent(
        'The worker has no Autotask receiver keyring: set ONRAMP_SECRET_STORE_URL (or, for a single process, ONRAMP_AUTOTASK_RECEIVER_KEYRING_DIR, the directory the webhook receiver reads) on the worker',
        FailureType.AutotaskKeyringUnavailable
      );
    return configured;
  };
  /** The master key a webhook is signed with: the tenant's newest accepted key, else the order's. */
  const currentMasterRef = async (tenant: string, orderRef: string): Promise<string> => {
    if (!configured) return orderRef;
    return (await configured.keyRefs(tenant))?.at(-1) ?? orderRef;
  };

  /** The deployment's profile of the vendor, or a failure naming the profiles it has. */
  function profileOf(name: string) {
    if (!settings.vendorProfiles)
      throw permanent(
        'The worker has no vendor profiles: set ONRAMP_VENDOR_PROFILES on the worker to the vendor profile file (config/vendor-profiles.sandbox.yaml shows the format)',
        FailureType.VendorProfileUnknown
      );
    const found = autotaskProfileOf(settings.vendorProfiles, name);
    if (!found.ok) throw permanent(found.problem, FailureType.VendorProfileUnknown);
    return found;
  }

  async function session(t: AutotaskTarget): Promise<AutotaskSession> {
    const { profile } = profileOf(t.vendorProfile);
    const zoneUrl = t.zoneUrl ?? (await client.discoverZone(t.credentials.username)).zoneUrl;
    return {
      tenant: t.tenant,
      zoneUrl,
      username: t.credentials.username,
      // Only the vendor holds its tracking identifier: resolved from its deployment's secret store, per call.
      integrationCode: await secret(
        profile.trackingIdentifierRef,
        `vendor profile ${t.vendorProfile}: trackingIdentifierRef`
      ),
      secret: await secret(t.credentials.secretRef, 'secretRef'),
    };
  }

  async function guarded<T>(t: AutotaskTarget, doing: string, fn: (s: AutotaskSession) => Promise<T>): Promise<T> {
    const s = await session(t);
    try {
      return await fn(s);
    } catch (err) {
      throw toFailure(err, t.credentials.username, doing, profileOf(t.vendorProfile).profile.integrationVendor);
    }
  }

  async function findWebhook(s: AutotaskSession, entity: WebhookEntity, filter: { field: string; value: unknown }) {
    const r = await client.call<{ items: WebhookItem[] }>(s, 'POST', `${entity}Webhooks/query`, {
      filter: [{ op: 'eq', field: filter.field, value: filter.value }],
    });
    return r.items[0];
  }

  return {
    /** The vendor profile the workflow follows, without its tracking identifier's reference. Read-only. */
    async readAutotaskVendorProfile(input: { vendorProfile: string }): Promise<AutotaskVendorProfileView> {
      return profileOf(input.vendorProfile).view;
    },

    /** Zone discovery (host-checked) and one authenticated call. Read-only; a 401 is never retried. */
    async verifyAutotaskCredentials(t: AutotaskTarget): Promise<VerifiedCredentials> {
      const { zoneUrl, zoneName } = await client.discoverZone(t.credentials.username);
      return guarded({ ...t, zoneUrl }, 'checking the credentials', async (s) => {
        const threshold = await client.refreshThreshold(s);
        let resourceId: number | undefined;
        let licenseType: string | undefined;
        try {
          const r = await client.call<{ items: { id: number; licenseType?: number }[] }>(s, 'POST', 'Resources/query', {
            filter: [{ op: 'eq', field: 'userName', value: t.credentials.username }],
            includeFields: ['id', 'licenseType'],
          });
          resourceId = r.items[0]?.id;
          const code = r.items[0]?.licenseType;
          if (code !== undefined && code !== null) {
            // The label of the code: Resources' licenseType picklist (Resources entity page; values differ per database).
            const defs = await client.call<{
              fields: { name: string; picklistValues?: { value: string; label: string }[] | null }[];
            }>(s, 'GET', 'Resources/entityInformation/fields');
            const pick = defs.fields.find((f) => f.name.toLowerCase() === 'licensetype')?.picklistValues ?? [];
            licenseType = pick.find((v) => v.value === String(code))?.label ?? `license type ${code}`;
          }
        } catch (err) {
          if (!(err instanceof AutotaskApiError && (err.status === 403 || err.status === 500))) throw err;
        }
        return { zoneUrl, zoneName, resourceId, threshold, licenseType };
      });
    },

    /**
     * entityInformation for each requirement: no side effects, unlike trying a create. The API user's own
     * access is `userAccessFor<Action>` (0 None, 1 All, 2 Restricted); `can<Action>` only says whether the
     * API supports the action on the entity, whoever asks (Autotask developer help, "The entityInformation
     * REST API call").
     */
    async checkAutotaskPermissions(
      input: AutotaskTarget & { requirements: PermissionRequirement[] }
    ): Promise<PermissionCheck[]> {
      return guarded(input, 'checking permissions', async (s) => {
        const infos = await Promise.all(
          input.requirements.map((r) =>
            client
              .call<{ info: Record<string, unknown> }>(s, 'GET', `${r.entity}/entityInformation`)
              .then((res) => ({ r, info: res.info ?? {} }))
          )
        );
        return infos.flatMap(({ r, info }) =>
          r.actions.map((action): PermissionCheck => {
            const suffix = `${action[0]!.toUpperCase()}${action.slice(1)}`;
            const userAccess = info[`userAccessFor${suffix}`];
            const access = accessFromCode(userAccess);
            if (access === undefined) {
              throw permanent(
                `Autotask's entityInformation for ${r.entity} has no valid userAccessFor${suffix} (got ${JSON.stringify(userAccess)}), so the API user's permission cannot be checked. Fix: check the zone URL points at Autotask's REST API (ATServicesRest/V1.0).`,
                FailureType.AutotaskContractMismatch
              );
            }
            const apiSupports = info[`can${suffix}`] !== false;
            return {
              entity: r.entity,
              action,
              access,
              apiSupports,
              allowed: apiSupports && access !== 'none',
              grantedBy: r.grantedBy,
            };
          })
        );
      });
    },

    /**
     * Create the webhook, or finish one a previous attempt started (looked up by name, so a crash between
     * create and record never leaves a duplicate): fields added one at a time, the API user excluded.
     */
    async ensureAutotaskWebhook(input: EnsureWebhookInput): Promise<EnsureWebhookResult> {
      // After a signing-secret rotation the tenant's keyring names the key in use, not the order.
      const master = await secret(await currentMasterRef(input.tenant, input.signingKeyRef), 'webhook.signingKeyRef');
      const webhookUrl = webhookCalloutUrl(input.webhookUrl, input.name);
      const deactivationUrl = webhookCalloutUrl(input.deactivationUrl, input.name);
      return guarded(input, `creating the ${input.entity} webhook`, async (s) => {
        let created = false;
        let hook = await findWebhook(s, input.entity, { field: 'name', value: input.name });
        if (hook && hook.webhookUrl !== webhookUrl) {
          throw permanent(
            `A ${input.entity} webhook named "${input.name}" already exists (id ${hook.id}) with another URL: choose another webhook.name, or delete that webhook`,
            FailureType.AutotaskWebhookConflict
          );
        }
        if (!hook) {
          const { itemId } = await client.call<{ itemId: number }>(s, 'POST', `${input.entity}Webhooks`, {
            name: input.name,
            webhookUrl,
            deactivationUrl,
            secretKey: deriveAutotaskWebhookSecret(master, input.name),
            isActive: true,
            isSubscribedToCreateEvents: input.events.create,
            isSubscribedToUpdateEvents: input.events.update,
            isSubscribedToDeleteEvents: input.events.delete,
            sendThresholdExceededNotification: true,
            ...(input.notificationEmail ? { notificationEmailAddress: input.notificationEmail } : {}),
          });
          created = true;
          heartbeat({ webhookId: itemId });
          hook = { id: itemId, name: input.name, webhookUrl, isActive: true, isReady: false };
        }
        const id = hook.id;
        // Which fields may be webhook fields: the entity's own field list (isSupportedWebhookField). Their
        // numeric ids are not in that list (the Swagger FieldInformationModel has no id): they are the
        // `fieldID` picklist of the webhook's Fields child entity (value = id, label = field name).
        const defs = await client.call<{ fields: { name: string; isSupportedWebhookField?: boolean }[] }>(
          s,
          'GET',
          `${ENTITY_ENDPOINT[input.entity]}/entityInformation/fields`
        );
        const childDefs = await client.call<{
          fields: { name: string; picklistValues?: { value: string; label: string }[] | null }[];
        }>(s, 'GET', `${input.entity}WebhookFields/entityInformation/fields`);
        const ids = childDefs.fields.find((f) => f.name.toLowerCase() === 'fieldid')?.picklistValues ?? [];
        const wanted = input.fields.map((name) => {
          const def = defs.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
          const id = ids.find((v) => v.label.toLowerCase() === name.toLowerCase())?.value;
          if (!def?.isSupportedWebhookField || id === undefined || !/^\d+$/.test(id)) {
            const supported = defs.fields.filter((f) => f.isSupportedWebhookField).map((f) => f.name);
            throw permanent(
              `webhook.fields.${input.entity}: "${name}" is not a webhook field of ${input.entity}; supported: ${supported.join(', ')}`,
              FailureType.AutotaskWebhookFieldInvalid
            );
          }
          return Number(id);
        });
        const present = await client.call<{ items: { fieldID: number }[] }>(
          s,
          'GET',
          `${input.entity}Webhooks/${id}/Fields`
        );
        let fieldsAdded = 0;
        // One at a time: concurrent child writes would eat the integration's 3 threads.
        for (const fieldID of wanted) {
          if (present.items.some((f) => f.fieldID === fieldID)) continue;
          await client.call(s, 'POST', `${input.entity}Webhooks/${id}/Fields`, {
            fieldID,
            isSubscribedField: true,
            isDisplayAlwaysField: false,
          });
          fieldsAdded++;
          heartbeat({ webhookId: id, fieldsAdded });
        }
        const excluded = await client.call<{ items: { resourceID: number }[] }>(
          s,
          'GET',
          `${input.entity}Webhooks/${id}/ExcludedResources`
        );
        for (const resourceID of input.excludedResourceIds) {
          if (excluded.items.some((e) => e.resourceID === resourceID)) continue;
          await client.call(s, 'POST', `${input.entity}Webhooks/${id}/ExcludedResources`, { resourceID });
        }
        const now = await client.call<{ item: WebhookItem | null }>(s, 'GET', `${input.entity}Webhooks/${id}`);
        if (!now.item)
          throw permanent(
            `The ${input.entity} webhook ${id} disappeared while being set up; start again`,
            FailureType.AutotaskWebhookVanished
          );
        return { ...summary(input.entity, now.item), created, fieldsAdded };
      });
    },

    async getAutotaskWebhook(
      input: AutotaskTarget & { entity: WebhookEntity; id: number }
    ): Promise<WebhookSummary | null> {
      return guarded(input, `reading ${input.entity} webhook ${input.id}`, async (s) => {
        try {
          const r = await client.call<{ item: WebhookItem | null }>(s, 'GET', `${input.entity}Webhooks/${input.id}`);
          return r.item ? summary(input.entity, r.item) : null;
        } catch (err) {
          // Clients disagree whether a missing id answers 200 {"item": null} or 404: both mean gone.
          if (err instanceof AutotaskApiError && err.status === 404) return null;
          throw err;
        }
      });
    },

    /** The master key references the tenant's receiver accepts now (the order's key when it has no entry). Read-only. */
    async readAutotaskSigningKeys(input: { tenant: string; defaultKeyRef: string }): Promise<string[]> {
      return (await keyring().keyRefs(input.tenant)) ?? [input.defaultKeyRef];
    },

    /** A new master key in the keyring (directory or secret store), named by the rotation run (a retry finds the same key). */
    async createAutotaskSigningKey(input: { tenant: string; keyId: string }): Promise<string> {
      return keyring().createKey(input.tenant, input.keyId);
    },

    /**
     * Set what the receiver accepts for the tenant. Each reference is resolved first, so a key the receiver
     * could not read never replaces one it can. Idempotent.
     */
    async setAutotaskSigningKeys(input: { tenant: string; keyRefs: string[] }): Promise<string[]> {
      if (!input.keyRefs.length)
        throw permanent('at least one signing key must stay accepted', FailureType.InvalidInput);
      for (const ref of input.keyRefs) await secret(ref, 'signing key');
      await keyring().setKeyRefs(input.tenant, input.keyRefs);
      return (await keyring().keyRefs(input.tenant)) ?? [];
    },

    /**
     * Give an existing webhook (found by name) the secret derived from `signingKeyRef`: one PATCH of
     * `secretKey` (REST_WebhooksEntity: PATCH /V1.0/{X}Webhooks with id and the changed fields), then read
     * back. Idempotent: a retry PATCHes the same value.
     */
    async setAutotaskWebhookSecret(
      input: AutotaskTarget & { entity: WebhookEntity; name: string; signingKeyRef: string }
    ): Promise<WebhookSummary> {
      const master = await secret(input.signingKeyRef, 'signing key');
      return guarded(input, `changing the secret of the ${input.entity} webhook "${input.name}"`, async (s) => {
        const hook = await findWebhook(s, input.entity, { field: 'name', value: input.name });
        if (!hook)
          throw permanent(
            `No ${input.entity} webhook named "${input.name}" for this API user: list the tenant's webhooks by the names Onramp gave them (webhooks[].name)`,
            FailureType.AutotaskWebhookNotFound
          );
        await client.call(s, 'PATCH', `${input.entity}Webhooks`, {
          id: hook.id,
          secretKey: deriveAutotaskWebhookSecret(master, input.name),
        });
        heartbeat({ webhookId: hook.id });
        const now = await client.call<{ item: WebhookItem | null }>(s, 'GET', `${input.entity}Webhooks/${hook.id}`);
        if (!now.item)
          throw permanent(
            `The ${input.entity} webhook ${hook.id} disappeared while its secret changed`,
            FailureType.AutotaskWebhookVanished
          );
        return summary(input.entity, now.item);
      });
    },

    /** Offboarding and drift: the webhooks Onramp named, found by name (one a lost attempt created too). Read-only. */
    async findAutotaskWebhooksByName(
      input: AutotaskTarget & { webhooks: { entity: WebhookEntity; name: string }[] }
    ): Promise<WebhookSummary[]> {
      return guarded(input, 'looking up webhooks by name', async (s) => {
        const found: WebhookSummary[] = [];
        for (const w of input.webhooks) {
          const hook = await findWebhook(s, w.entity, { field: 'name', value: w.name });
          if (hook) found.push(summary(w.entity, hook));
        }
        return found;
      });
    },

    /**
     * Drift: each named webhook with the subscribed fields it should carry (by field name), and which of
     * them it lost. Read-only.
     */
    async inspectAutotaskWebhooks(
      input: AutotaskTarget & { webhooks: { entity: WebhookEntity; name: string; fields: string[] }[] }
    ): Promise<(WebhookSummary & { missingFields: string[] })[]> {
      return guarded(input, 'inspecting webhooks', async (s) => {
        const out: (WebhookSummary & { missingFields: string[] })[] = [];
        for (const w of input.webhooks) {
          const hook = await findWebhook(s, w.entity, { field: 'name', value: w.name });
          if (!hook) continue;
          const childDefs = await client.call<{
            fields: { name: string; picklistValues?: { value: string; label: string }[] | null }[];
          }>(s, 'GET', `${w.entity}WebhookFields/entityInformation/fields`);
          const ids = childDefs.fields.find((f) => f.name.toLowerCase() === 'fieldid')?.picklistValues ?? [];
          const present = await client.call<{ items: { fieldID: number }[] }>(
            s,
            'GET',
            `${w.entity}Webhooks/${hook.id}/Fields`
          );
          const have = new Set(present.items.map((f) => String(f.fieldID)));
          const missingFields = w.fields.filter((name) => {
            const id = ids.find((v) => v.label.toLowerCase() === name.toLowerCase())?.value;
            return id === undefined || !have.has(id);
          });
          out.push({ ...summary(w.entity, hook), missingFields });
        }
        return out;
      });
    },

    /** Delete with the owner's credentials; a webhook already gone is success. */
    async deleteAutotaskWebhook(
      input: AutotaskTarget & { entity: WebhookEntity; id: number }
    ): Promise<'deleted' | 'already-gone'> {
      return guarded(input, `deleting ${input.entity} webhook ${input.id}`, async (s) => {
        try {
          await client.call(s, 'DELETE', `${input.entity}Webhooks/${input.id}`);
          return 'deleted';
        } catch (err) {
          if (err instanceof AutotaskApiError && err.status === 404) return 'already-gone';
          if (err instanceof AutotaskApiError && err.status === 403) {
            throw permanent(
              `API user ${input.credentials.username} may not delete ${input.entity} webhook ${input.id}: only the API user that created a webhook can delete it. Use the old API user's credentials, or delete it by hand.`,
              FailureType.AutotaskWebhookNotOwned
            );
          }
          throw err;
        }
      });
    },
  };
}

export type AutotaskActivities = ReturnType<typeof createAutotaskActivities>;
