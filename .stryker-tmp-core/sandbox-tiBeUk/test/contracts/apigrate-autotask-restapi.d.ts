/** The parts of @apigrate/autotask-restapi 2.0.1 (plain JavaScript, no published types) the tests use. */
// @ts-nocheck

declare module '@apigrate/autotask-restapi' {
  type Json = Record<string, unknown>;
  interface EntityApi {
    query(search: Json): Promise<Json>;
    count(search: Json): Promise<Json>;
    get(id: number): Promise<Json | null>;
    create(toSave: Json): Promise<Json>;
    update(toSave: Json): Promise<Json>;
    replace(toSave: Json): Promise<Json>;
    delete(id: number): Promise<Json>;
    info(): Promise<Json>;
    fieldInfo(): Promise<Json>;
    udfInfo(): Promise<Json>;
  }
  interface ChildApi extends Omit<EntityApi, 'create' | 'update' | 'replace' | 'delete'> {
    create(parentId: number, toSave: Json): Promise<Json>;
    update(parentId: number, toSave: Json): Promise<Json>;
    replace(parentId: number, toSave: Json): Promise<Json>;
    delete(parentId: number, id: number): Promise<Json>;
  }
  export class AutotaskRestApi {
    constructor(user: string, secret: string, code: string, options?: { base_url?: string; version?: string });
    zoneInfo: { zoneName: string; url: string; webUrl: string; ci: number } | null;
    _get(endpoint: string): Promise<Json>;
    Companies: EntityApi;
    Contacts: EntityApi;
    Tickets: EntityApi;
    Resources: EntityApi;
    CompanyWebhooks: EntityApi;
    CompanyWebhookFields: ChildApi;
    CompanyWebhookExcludedResources: ChildApi;
  }
  export class AutotaskApiError extends Error {
    status: number;
    details: unknown;
  }
  export const FilterOperators: Record<string, string>;
}
