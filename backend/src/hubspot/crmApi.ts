import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import { hubspotRequest } from './request.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

/**
 * HubSpot's date-versioned CRM endpoints (2026-03), called through the account's
 * @hubspot/api-client `apiRequest`, so the portal's limiter applies (portalClients.ts). Version 14 of the client generates
 * only the legacy /crm/v3 and /crm/v4 paths (unsupported from 2027), hence this module.
 * `apiRequest` resolves with any status, so the retries the generated APIs have (5xx, 429) are
 * done by hubspotRequest (request.ts).
 */
export const CRM_VERSION = '2026-03';

/** A HubSpot answer other than success; `code` is the HTTP status, as the generated APIs' errors have it. */
export class HubSpotApiError extends Error {
  override name = 'HubSpotApiError';
  readonly code: number;
  constructor(code: number, what: string) {
    super(`HubSpot answered ${code} to ${what}.`);
    this.code = code;
  }
}

const crmObject = z.looseObject({
  id: z.coerce.string(),
  properties: z.record(z.string(), z.string().nullable().optional()),
});
export type CrmObject = z.infer<typeof crmObject>;
const batchObjects = z.looseObject({ results: z.array(crmObject) });
const batchAssociations = z.looseObject({
  results: z.array(
    z.looseObject({
      from: z.looseObject({ id: z.coerce.string() }),
      to: z.array(z.looseObject({ toObjectId: z.coerce.string() })),
      paging: z.looseObject({ next: z.looseObject({ after: z.string() }).optional() }).optional(),
    }),
  ),
});

/** POST /crm/objects/2026-03/{type}/batch/read: at most 100 inputs; ids HubSpot does not know are left out (207). */
export async function readObjects(
  client: Client,
  type: CrmObjectType,
  ids: string[],
  options: { properties: string[]; idProperty?: string },
): Promise<CrmObject[]> {
  const what = `a ${type} batch read`;
  const response = await hubspotRequest(client, 'POST', `/crm/objects/${CRM_VERSION}/${type}/batch/read`, {
    inputs: ids.map((id) => ({ id })),
    properties: options.properties,
    propertiesWithHistory: [],
    ...(options.idProperty ? { idProperty: options.idProperty } : {}),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new HubSpotApiError(response.status, what);
  }
  return batchObjects.parse(await response.json()).results;
}

/**
 * POST /crm/associations/2026-03/{from}/{to}/batch/read for up to 100 records, following each
 * record's `paging.next.after`: the ids of the `to` records of each `from` record.
 */
export async function readAssociations(
  client: Client,
  from: CrmObjectType,
  to: CrmObjectType,
  ids: string[],
): Promise<Map<string, string[]>> {
  const byRecord = new Map<string, string[]>();
  let inputs: Array<{ id: string; after?: string }> = ids.map((id) => ({ id }));
  while (inputs.length) {
    const response = await hubspotRequest(client, 'POST', `/crm/associations/${CRM_VERSION}/${from}/${to}/batch/read`, {
      inputs,
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new HubSpotApiError(response.status, `a ${from}→${to} association read`);
    }
    const next: typeof inputs = [];
    for (const row of batchAssociations.parse(await response.json()).results) {
      byRecord.set(row.from.id, [...(byRecord.get(row.from.id) ?? []), ...row.to.map((t) => t.toObjectId)]);
      if (row.paging?.next?.after) next.push({ id: row.from.id, after: row.paging.next.after });
    }
    inputs = next;
  }
  return byRecord;
}

/** GET /crm/objects/2026-03/{type}/{id}: the record, or null when HubSpot answers 404 (deleted, or merged away). */
export async function readObject(
  client: Client,
  type: CrmObjectType,
  id: number,
  properties: string[],
): Promise<CrmObject | null> {
  const query = new URLSearchParams({ properties: properties.join(',') });
  const response = await hubspotRequest(client, 'GET', `/crm/objects/${CRM_VERSION}/${type}/${id}?${query}`);
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HubSpotApiError(response.status, `a ${type} read`);
  }
  return crmObject.parse(await response.json());
}
