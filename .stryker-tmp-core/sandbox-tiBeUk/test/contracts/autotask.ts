// @ts-nocheck
import { z } from 'zod';

/**
 * Autotask REST response shapes, written down from Autotask's published Swagger models (as generated into
 * panoramicdata/AutoTask.Psa.Api `AutoTask.Psa.Api/Data/*.cs`: EntityInformationModel,
 * FieldInformationModel, PickListValue, QueryCountResultModel, OperationResultModel,
 * ThresholdStatusResultModel, ApiVersionsResultModel, ZoneInformationResultModel, <Entity>WebhookModel,
 * <Entity>WebhookFieldModel, <Entity>WebhookExcludedResourceModel, PageDetails) and the developer help
 * pages cited in docs/vendor-contracts.md. JSON is camelCase on the wire (the models' DataMember names are
 * PascalCase; the service serialises camelCase, as every client reads it).
 *
 * Used at run time to check what the simulator answers (test/autotask-third-party.test.ts). Fields are
 * required where the model always carries them; extra fields are allowed, as the real service adds some.
 */
const int = z.number().int();
const access = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const zoneInformation = z.object({
  zoneName: z.string(),
  url: z.url(),
  webUrl: z.string(),
  ci: int,
});

export const versionInformation = z.object({ apiVersions: z.array(z.string()).min(1) });

export const thresholdInformation = z.object({
  externalRequestThreshold: int,
  requestThresholdTimeframe: int,
  currentTimeframeRequestCount: int,
});

export const entityInformation = z.object({
  info: z.object({
    name: z.string(),
    canCreate: z.boolean(),
    canDelete: z.boolean(),
    canQuery: z.boolean(),
    canUpdate: z.boolean(),
    userAccessForCreate: access,
    userAccessForDelete: access,
    userAccessForQuery: access,
    userAccessForUpdate: access,
    hasUserDefinedFields: z.boolean(),
    supportsWebhookCallouts: z.boolean(),
  }),
});

export const picklistValue = z.object({
  value: z.string(),
  label: z.string(),
  isDefaultValue: z.boolean(),
  sortOrder: int,
  parentValue: z.string(),
  isActive: z.boolean(),
  isSystem: z.boolean(),
});

export const fieldInformation = z.object({
  name: z.string(),
  dataType: z.enum(['integer', 'long', 'string', 'boolean', 'datetime', 'decimal', 'double', 'short', 'byte', 'guid']),
  length: int,
  isRequired: z.boolean(),
  isReadOnly: z.boolean(),
  isQueryable: z.boolean(),
  isReference: z.boolean(),
  referenceEntityType: z.string(),
  isPickList: z.boolean(),
  picklistValues: z.array(picklistValue).nullable(),
  picklistParentValueField: z.string(),
  isSupportedWebhookField: z.boolean(),
});
export const fieldsResult = z.object({ fields: z.array(fieldInformation) });

/** UserDefinedFieldInformationResultModel: its items are the Swagger `Field` model (label, type, ...). */
export const udfResult = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      type: z.string(),
      isRequired: z.boolean(),
      isReadOnly: z.boolean(),
      isQueryable: z.boolean(),
      isPickList: z.boolean(),
      isSupportedWebhookField: z.boolean(),
    })
  ),
});

export const pageDetails = z.object({
  count: int,
  requestCount: int,
  prevPageUrl: z.string().nullable(),
  nextPageUrl: z.string().nullable(),
});
export const queryResult = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), pageDetails });
export const itemResult = <T extends z.ZodType>(item: T) => z.object({ item: item.nullable() });
/** A record of a business entity: an id, anything else. */
export const itemLike = z.object({ id: int }).catchall(z.unknown());
export const queryCount = z.object({ queryCount: int });
export const operationResult = z.object({ itemId: int });

export const webhook = z.object({
  id: int,
  name: z.string().max(50),
  webhookUrl: z.string().max(500),
  deactivationUrl: z.string().max(500),
  isActive: z.boolean(),
  isReady: z.boolean(),
  isSubscribedToCreateEvents: z.boolean(),
  isSubscribedToUpdateEvents: z.boolean(),
  isSubscribedToDeleteEvents: z.boolean(),
  notificationEmailAddress: z.string().max(150).nullable(),
  ownerResourceID: int,
  sendThresholdExceededNotification: z.boolean(),
  webhookGUID: z.string(),
});
export const webhookField = z.object({
  id: int,
  fieldID: int,
  isDisplayAlwaysField: z.boolean(),
  isSubscribedField: z.boolean(),
  webhookID: int,
});
export const webhookExcludedResource = z.object({ id: int, resourceID: int, webhookID: int });

/** No error schema is published (Swagger declares none); clients read `errors: string[]` ([community]). */
export const errorBody = z.object({ errors: z.array(z.string()).min(1) });

/** Parse or throw with the path of the first mismatch: a contract break names itself. */
export function expectShape<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${what} does not match the Autotask contract at ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}
