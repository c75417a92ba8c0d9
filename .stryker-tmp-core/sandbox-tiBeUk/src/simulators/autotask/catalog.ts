/**
 * What the simulated Autotask knows about its entities: the API's own capabilities per entity (`canCreate`
 * ...: whether the API supports the action at all, for any user), whether it supports webhooks and UDFs,
 * and field metadata as `entityInformation/fields` returns it. Shapes: Autotask developer help "The
 * entityInformation REST API call" and the Swagger models `EntityInformationModel`,
 * `FieldInformationModel`, `PickListValue` (see docs/vendor-contracts.md, Autotask section). Field
 * lists are a realistic subset of the real entities (names, types, lengths from the entity pages of the
 * developer help); they are not complete.
 */
// @ts-nocheck

export type DataType = 'integer' | 'long' | 'string' | 'boolean' | 'datetime' | 'decimal' | 'double';

export interface PicklistValue {
  value: string;
  label: string;
  isDefaultValue: boolean;
  sortOrder: number;
  parentValue: string;
  isActive: boolean;
  isSystem: boolean;
}

export interface FieldDef {
  /** Autotask's internal field id: what a webhook field's `fieldID` refers to (never exposed as `id`). */
  fieldId?: number;
  name: string;
  dataType: DataType;
  length?: number;
  isRequired?: boolean;
  isReadOnly?: boolean;
  isQueryable?: boolean;
  referenceEntityType?: string;
  picklist?: [value: number, label: string][];
  isSupportedWebhookField?: boolean;
}

export interface EntityDef {
  /** REST entity name as in the URL (Companies, TicketWebhooks, TicketWebhookFields ...). */
  name: string;
  canCreate: boolean;
  canQuery: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  hasUserDefinedFields: boolean;
  supportsWebhookCallouts: boolean;
  fields: FieldDef[];
}

const id: FieldDef = { name: 'id', dataType: 'long', isReadOnly: true, isRequired: true };

const status: [number, string][] = [
  [1, 'New'],
  [5, 'Complete'],
  [8, 'In Progress'],
  [11, 'Waiting Customer'],
];
const priority: [number, string][] = [
  [1, 'High'],
  [2, 'Medium'],
  [3, 'Low'],
  [4, 'Critical'],
];

/** The business entities Onramp touches; `fieldId`s are what webhook Fields children refer to. */
const BUSINESS: EntityDef[] = [
  {
    name: 'Companies',
    canCreate: true,
    canQuery: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
    fields: [
      id,
      {
        fieldId: 10,
        name: 'companyName',
        dataType: 'string',
        length: 100,
        isRequired: true,
        isSupportedWebhookField: true,
      },
      { fieldId: 11, name: 'phone', dataType: 'string', length: 25, isRequired: true, isSupportedWebhookField: true },
      {
        fieldId: 12,
        name: 'companyType',
        dataType: 'integer',
        isRequired: true,
        picklist: [
          [1, 'Customer'],
          [2, 'Lead'],
          [3, 'Prospect'],
        ],
        isSupportedWebhookField: true,
      },
      { fieldId: 13, name: 'isActive', dataType: 'boolean', isSupportedWebhookField: true },
      { name: 'createDate', dataType: 'datetime', isReadOnly: true },
    ],
  },
  {
    name: 'Contacts',
    canCreate: true,
    canQuery: true,
    canUpdate: true,
    canDelete: true,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
    fields: [
      id,
      {
        fieldId: 22,
        name: 'companyID',
        dataType: 'integer',
        isRequired: true,
        referenceEntityType: 'Company',
        isSupportedWebhookField: true,
      },
      { fieldId: 20, name: 'emailAddress', dataType: 'string', length: 254, isSupportedWebhookField: true },
      {
        fieldId: 23,
        name: 'firstName',
        dataType: 'string',
        length: 50,
        isRequired: true,
        isSupportedWebhookField: true,
      },
      {
        fieldId: 21,
        name: 'lastName',
        dataType: 'string',
        length: 50,
        isRequired: true,
        isSupportedWebhookField: true,
      },
      { name: 'isActive', dataType: 'integer', isRequired: true },
    ],
  },
  {
    name: 'Tickets',
    canCreate: true,
    canQuery: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
    fields: [
      { ...id, fieldId: 1 },
      { fieldId: 2, name: 'title', dataType: 'string', length: 255, isRequired: true, isSupportedWebhookField: true },
      {
        fieldId: 3,
        name: 'status',
        dataType: 'integer',
        isRequired: true,
        picklist: status,
        isSupportedWebhookField: true,
      },
      {
        fieldId: 4,
        name: 'priority',
        dataType: 'integer',
        isRequired: true,
        picklist: priority,
        isSupportedWebhookField: true,
      },
      {
        fieldId: 5,
        name: 'companyID',
        dataType: 'integer',
        isRequired: true,
        referenceEntityType: 'Company',
        isSupportedWebhookField: true,
      },
      { fieldId: 6, name: 'description', dataType: 'string', length: 8000 },
      {
        fieldId: 7,
        name: 'ticketNumber',
        dataType: 'string',
        length: 50,
        isReadOnly: true,
        isSupportedWebhookField: true,
      },
      { name: 'createDate', dataType: 'datetime', isReadOnly: true },
      { name: 'assignedResourceID', dataType: 'integer', referenceEntityType: 'Resource' },
    ],
  },
  {
    name: 'TicketNotes',
    canCreate: true,
    canQuery: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: false,
    supportsWebhookCallouts: true,
    fields: [
      id,
      {
        fieldId: 31,
        name: 'ticketID',
        dataType: 'integer',
        isRequired: true,
        referenceEntityType: 'Ticket',
        isSupportedWebhookField: true,
      },
      {
        fieldId: 30,
        name: 'description',
        dataType: 'string',
        length: 32000,
        isRequired: true,
        isSupportedWebhookField: true,
      },
      { fieldId: 32, name: 'title', dataType: 'string', length: 250, isRequired: true, isSupportedWebhookField: true },
    ],
  },
  {
    name: 'ConfigurationItems',
    canCreate: true,
    canQuery: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
    fields: [
      id,
      {
        fieldId: 41,
        name: 'companyID',
        dataType: 'integer',
        isRequired: true,
        referenceEntityType: 'Company',
        isSupportedWebhookField: true,
      },
      { fieldId: 40, name: 'serialNumber', dataType: 'string', length: 100, isSupportedWebhookField: true },
      { fieldId: 42, name: 'referenceTitle', dataType: 'string', length: 200, isSupportedWebhookField: true },
    ],
  },
  {
    name: 'Resources',
    // API users and resources are created in the UI only (vendor-apis.md B1).
    canCreate: false,
    canQuery: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: false,
    fields: [
      id,
      { name: 'userName', dataType: 'string', length: 32, isRequired: true },
      { name: 'isActive', dataType: 'boolean', isRequired: true },
      { name: 'licenseType', dataType: 'integer', isReadOnly: true, picklist: [[7, 'API User']] },
      { name: 'email', dataType: 'string', length: 254, isRequired: true },
    ],
  },
];

export const WEBHOOK_ENTITY_TO_REST: Record<string, string> = {
  Company: 'Companies',
  Contact: 'Contacts',
  ConfigurationItem: 'ConfigurationItems',
  Ticket: 'Tickets',
  TicketNote: 'TicketNotes',
};

function webhookEntities(prefix: string): EntityDef[] {
  const rest = WEBHOOK_ENTITY_TO_REST[prefix]!;
  const supported = BUSINESS.find((e) => e.name === rest)!.fields.filter((f) => f.isSupportedWebhookField);
  const hook: EntityDef = {
    name: `${prefix}Webhooks`,
    canCreate: true,
    canQuery: true,
    canUpdate: true,
    canDelete: true,
    hasUserDefinedFields: false,
    supportsWebhookCallouts: false,
    // REST_WebhooksEntity.htm: lengths 50 / 500 / 500 / 64 / 150; read-only isReady, ownerResourceID, webhookGUID.
    fields: [
      id,
      { name: 'name', dataType: 'string', length: 50, isRequired: true },
      { name: 'webhookUrl', dataType: 'string', length: 500, isRequired: true },
      { name: 'deactivationUrl', dataType: 'string', length: 500, isRequired: true },
      { name: 'secretKey', dataType: 'string', length: 64, isRequired: true },
      { name: 'isActive', dataType: 'boolean', isRequired: true },
      { name: 'isReady', dataType: 'boolean', isReadOnly: true },
      { name: 'isSubscribedToCreateEvents', dataType: 'boolean' },
      { name: 'isSubscribedToUpdateEvents', dataType: 'boolean' },
      { name: 'isSubscribedToDeleteEvents', dataType: 'boolean' },
      { name: 'notificationEmailAddress', dataType: 'string', length: 150 },
      { name: 'ownerResourceID', dataType: 'integer', isReadOnly: true, referenceEntityType: 'Resource' },
      { name: 'sendThresholdExceededNotification', dataType: 'boolean', isRequired: true },
      { name: 'webhookGUID', dataType: 'string', length: 36, isReadOnly: true },
    ],
  };
  const child = (name: string, fields: FieldDef[]): EntityDef => ({
    name: `${prefix}Webhook${name}`,
    canCreate: true,
    canQuery: true,
    canUpdate: name === 'Fields' || name === 'UdfFields',
    canDelete: true,
    hasUserDefinedFields: false,
    supportsWebhookCallouts: false,
    fields: [
      id,
      ...fields,
      { name: 'webhookID', dataType: 'integer', isRequired: true, referenceEntityType: `${prefix}Webhook` },
    ],
  });
  return [
    hook,
    // The webhook field ids are the `fieldID` picklist of the Fields child ([community] wyre-technology
    // autotask-rest-api-types webhook plan; the Swagger FieldInformationModel has no id).
    child('Fields', [
      {
        name: 'fieldID',
        dataType: 'integer',
        isRequired: true,
        picklist: supported.map((f) => [f.fieldId!, f.name]),
      },
      { name: 'isDisplayAlwaysField', dataType: 'boolean', isRequired: true },
      { name: 'isSubscribedField', dataType: 'boolean', isRequired: true },
    ]),
    child('ExcludedResources', [
      { name: 'resourceID', dataType: 'integer', isRequired: true, referenceEntityType: 'Resource' },
    ]),
    ...(prefix === 'TicketNote'
      ? []
      : [
          child('UdfFields', [
            { name: 'udfFieldID', dataType: 'integer', isRequired: true, picklist: [] },
            { name: 'isDisplayAlwaysField', dataType: 'boolean', isRequired: true },
            { name: 'isSubscribedField', dataType: 'boolean', isRequired: true },
          ]),
        ]),
  ];
}

export const CATALOG: EntityDef[] = [...BUSINESS, ...Object.keys(WEBHOOK_ENTITY_TO_REST).flatMap(webhookEntities)];

const byLower = new Map(CATALOG.map((e) => [e.name.toLowerCase(), e]));

/** Entity by URL name, case-insensitively (the real service ignores case in paths). */
export function entityDef(name: string): EntityDef | undefined {
  return byLower.get(name.toLowerCase());
}

/** The `entityInformation/fields` view of one field (FieldInformationModel). */
export function fieldInformation(f: FieldDef): Record<string, unknown> {
  return {
    name: f.name,
    dataType: f.dataType,
    length: f.length ?? 0,
    isRequired: f.isRequired ?? false,
    isReadOnly: f.isReadOnly ?? false,
    isQueryable: f.isQueryable ?? true,
    isReference: !!f.referenceEntityType,
    referenceEntityType: f.referenceEntityType ?? '',
    isPickList: !!f.picklist,
    picklistValues: f.picklist
      ? f.picklist.map(([value, label], i) => ({
          value: String(value),
          label,
          isDefaultValue: false,
          sortOrder: i + 1,
          parentValue: '',
          isActive: true,
          isSystem: true,
        }))
      : null,
    picklistParentValueField: '',
    isSupportedWebhookField: f.isSupportedWebhookField ?? false,
  };
}

/** User-defined fields per entity, for `entityInformation/userDefinedFields` (UserDefinedFieldInformationResultModel). */
export const UDFS: Record<string, Record<string, unknown>[]> = {
  Companies: [
    {
      name: 'Onramp Customer ID',
      label: 'Onramp Customer ID',
      type: 'string',
      length: 100,
      description: 'Simulated UDF',
      isRequired: false,
      isReadOnly: false,
      isQueryable: true,
      isReference: false,
      referenceEntityType: '',
      isPickList: false,
      picklistValues: null,
      picklistParentValueField: '',
      defaultValue: '',
      isSupportedWebhookField: true,
    },
  ],
};
