/**
 * What the simulated Autotask knows about its entities: the API's own capabilities per entity (`canCreate`
 * ...: whether the API supports the action at all, for any user), whether it supports webhooks and UDFs,
 * and field metadata as `entityInformation/fields` returns it. Shapes: Autotask developer help "The
 * entityInformation REST API call" and the Swagger models `EntityInformationModel`,
 * `FieldInformationModel`, `PickListValue` (see docs/vendor-contracts.md, Autotask section). Field
 * lists are a realistic subset of the real entities (names, types, lengths from the entity pages of the
 * developer help); they are not complete.
 */
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

/** What the API supports for an entity besides querying it (every entity here can be queried). */
type Capability = 'create' | 'update' | 'delete' | 'udfs' | 'callouts';

function entity(name: string, can: Capability[], fields: FieldDef[]): EntityDef {
  return {
    name,
    canCreate: can.includes('create'),
    canQuery: true,
    canUpdate: can.includes('update'),
    canDelete: can.includes('delete'),
    hasUserDefinedFields: can.includes('udfs'),
    supportsWebhookCallouts: can.includes('callouts'),
    fields,
  };
}

/** A field a webhook can subscribe to: `fieldId` is what the webhook's Fields child refers to. */
function hookable(
  fieldId: number,
  name: string,
  dataType: DataType,
  more: Omit<FieldDef, 'name' | 'dataType'> = {}
): FieldDef {
  return { fieldId, name, dataType, ...more, isSupportedWebhookField: true };
}
const required = { isRequired: true };
const text = (length: number, more: Omit<FieldDef, 'name' | 'dataType'> = {}) => ({ length, ...more });
const reference = (referenceEntityType: string) => ({ isRequired: true, referenceEntityType });

/** The business entities Onramp touches. */
const BUSINESS: EntityDef[] = [
  entity(
    'Companies',
    ['create', 'update', 'udfs', 'callouts'],
    [
      id,
      hookable(10, 'companyName', 'string', text(100, required)),
      hookable(11, 'phone', 'string', text(25, required)),
      hookable(12, 'companyType', 'integer', {
        ...required,
        picklist: [
          [1, 'Customer'],
          [2, 'Lead'],
          [3, 'Prospect'],
        ],
      }),
      hookable(13, 'isActive', 'boolean'),
      { name: 'createDate', dataType: 'datetime', isReadOnly: true },
    ]
  ),
  entity(
    'Contacts',
    ['create', 'update', 'delete', 'udfs', 'callouts'],
    [
      id,
      hookable(22, 'companyID', 'integer', reference('Company')),
      hookable(20, 'emailAddress', 'string', text(254)),
      hookable(23, 'firstName', 'string', text(50, required)),
      hookable(21, 'lastName', 'string', text(50, required)),
      { name: 'isActive', dataType: 'integer', isRequired: true },
    ]
  ),
  entity(
    'Tickets',
    ['create', 'update', 'udfs', 'callouts'],
    [
      { ...id, fieldId: 1 },
      hookable(2, 'title', 'string', text(255, required)),
      hookable(3, 'status', 'integer', { ...required, picklist: status }),
      hookable(4, 'priority', 'integer', { ...required, picklist: priority }),
      hookable(5, 'companyID', 'integer', reference('Company')),
      { fieldId: 6, name: 'description', dataType: 'string', length: 8000 },
      hookable(7, 'ticketNumber', 'string', text(50, { isReadOnly: true })),
      { name: 'createDate', dataType: 'datetime', isReadOnly: true },
      { name: 'assignedResourceID', dataType: 'integer', referenceEntityType: 'Resource' },
    ]
  ),
  entity(
    'TicketNotes',
    ['create', 'update', 'callouts'],
    [
      id,
      hookable(31, 'ticketID', 'integer', reference('Ticket')),
      hookable(30, 'description', 'string', text(32000, required)),
      hookable(32, 'title', 'string', text(250, required)),
    ]
  ),
  entity(
    'ConfigurationItems',
    ['create', 'update', 'udfs', 'callouts'],
    [
      id,
      hookable(41, 'companyID', 'integer', reference('Company')),
      hookable(40, 'serialNumber', 'string', text(100)),
      hookable(42, 'referenceTitle', 'string', text(200)),
    ]
  ),
  // API users and resources are created in the UI only (vendor-apis.md B1).
  entity(
    'Resources',
    ['update', 'udfs'],
    [
      id,
      { name: 'userName', dataType: 'string', length: 32, isRequired: true },
      { name: 'isActive', dataType: 'boolean', isRequired: true },
      // Resources entity page: licenseType is a read-only picklist; its values per database are a guess
      // (New API User gives "API User", the API-only license the REST API requires: help "The API tracking identifier").
      {
        name: 'licenseType',
        dataType: 'integer',
        isReadOnly: true,
        picklist: [
          [1, 'Full'],
          [7, 'API User'],
        ],
      },
      { name: 'email', dataType: 'string', length: 254, isRequired: true },
    ]
  ),
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
  // REST_WebhooksEntity.htm: lengths 50 / 500 / 500 / 64 / 150; read-only isReady, ownerResourceID, webhookGUID.
  const hook = entity(
    `${prefix}Webhooks`,
    ['create', 'update', 'delete'],
    [
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
    ]
  );
  const child = (name: string, fields: FieldDef[]): EntityDef =>
    entity(
      `${prefix}Webhook${name}`,
      name === 'ExcludedResources' ? ['create', 'delete'] : ['create', 'update', 'delete'],
      [
        id,
        ...fields,
        { name: 'webhookID', dataType: 'integer', isRequired: true, referenceEntityType: `${prefix}Webhook` },
      ]
    );
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
