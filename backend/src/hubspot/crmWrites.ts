import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import { CRM_VERSION, HubSpotApiError } from './crmApi.ts';
import { hubspotRequest } from './request.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

// The writes of HubSpot's date-versioned CRM API the write-back uses, through the portal's client
// (its limiter, counting and retries: request.ts). Reads are in crmApi.ts.

export type PropertyDefinition = {
  name: string;
  label: string;
  description: string;
  type: 'number' | 'datetime' | 'string';
  fieldType: 'number' | 'date' | 'text';
};

const fail = async (response: Response, what: string): Promise<never> => {
  await response.body?.cancel();
  throw new HubSpotApiError(response.status, what);
};

/**
 * POST /crm/properties/2026-03/{type}/groups. HubSpot answers 409 when the group exists (made by
 * an earlier run, or by a previous install): that is fine.
 */
export async function createPropertyGroup(client: Client, type: CrmObjectType, group: { name: string; label: string }) {
  const response = await hubspotRequest(client, 'POST', `/crm/properties/${CRM_VERSION}/${type}/groups`, {
    ...group,
    displayOrder: -1,
  });
  if (response.ok || response.status === 409) return void (await response.body?.cancel());
  await fail(response, `a ${type} property group creation`);
}

const batchErrors = z.looseObject({
  errors: z.array(z.looseObject({ message: z.string().optional(), category: z.string().optional() })).optional(),
});

/**
 * POST /crm/properties/2026-03/{type}/batch/create. A property that exists already comes back as
 * an error of a 207 multi-status answer (category OBJECT_ALREADY_EXISTS or a message saying so):
 * fine; any other refused property fails.
 */
export async function createProperties(
  client: Client,
  type: CrmObjectType,
  groupName: string,
  properties: PropertyDefinition[],
): Promise<void> {
  const what = `a ${type} property batch creation`;
  const response = await hubspotRequest(client, 'POST', `/crm/properties/${CRM_VERSION}/${type}/batch/create`, {
    inputs: properties.map((property) => ({ ...property, groupName })),
  });
  if (response.status === 409) return void (await response.body?.cancel());
  if (!response.ok) return fail(response, what);
  const { errors = [] } = batchErrors.parse(await response.json());
  const other = errors.filter(
    (e) => e.category !== 'OBJECT_ALREADY_EXISTS' && !/already exists/i.test(e.message ?? ''),
  );
  if (other.length) throw new HubSpotApiError(response.status, `${what} (${other[0]!.category ?? 'refused'})`);
}

/** POST /crm/properties/2026-03/{type}/batch/archive: 204 whatever the properties' state was. */
export async function archiveProperties(client: Client, type: CrmObjectType, names: string[]): Promise<void> {
  const response = await hubspotRequest(client, 'POST', `/crm/properties/${CRM_VERSION}/${type}/batch/archive`, {
    inputs: names.map((name) => ({ name })),
  });
  if (!response.ok) return fail(response, `a ${type} property batch archive`);
  await response.body?.cancel();
}

/** DELETE /crm/properties/2026-03/{type}/groups/{name} (to the recycling bin); a group gone already is fine. */
export async function archivePropertyGroup(client: Client, type: CrmObjectType, name: string): Promise<void> {
  const path = `/crm/properties/${CRM_VERSION}/${type}/groups/${encodeURIComponent(name)}`;
  const response = await hubspotRequest(client, 'DELETE', path);
  if (!response.ok && response.status !== 404) return fail(response, `a ${type} property group archive`);
  await response.body?.cancel();
}

const batchUpdated = z.looseObject({
  results: z.array(z.looseObject({ id: z.coerce.string() })).default([]),
  errors: z
    .array(
      z.looseObject({
        category: z.string().optional(),
        message: z.string().optional(),
        context: z.looseObject({ ids: z.array(z.coerce.string()).optional() }).optional(),
      }),
    )
    .default([]),
});

export type BatchUpdate = { written: string[]; refused: Array<{ id: string; reason: string }> };

/**
 * POST /crm/objects/2026-03/{type}/batch/update for at most 100 records. HubSpot answers 200 when
 * every record was written and 207 multi-status when some were refused (deleted meanwhile, or the
 * portal's validation rules): the records in `results` were written, every other input refused,
 * with the reason of the error that names it (`context.ids`) when one does.
 */
export async function updateObjects(
  client: Client,
  type: CrmObjectType,
  inputs: Array<{ id: string; properties: Record<string, string> }>,
): Promise<BatchUpdate> {
  const what = `a ${type} batch update`;
  const response = await hubspotRequest(client, 'POST', `/crm/objects/${CRM_VERSION}/${type}/batch/update`, {
    inputs,
  });
  if (!response.ok) return fail(response, what);
  const answer = batchUpdated.parse(await response.json());
  const written = new Set(answer.results.map((result) => result.id));
  const reasonOf = (id: string) => {
    const error = answer.errors.find((e) => e.context?.ids?.includes(id)) ?? answer.errors[0];
    return error ? `${error.category ?? 'error'}: ${error.message ?? ''}`.slice(0, 200) : 'not in the answer';
  };
  return {
    written: inputs.map((input) => input.id).filter((id) => written.has(id)),
    refused: inputs
      .filter((input) => !written.has(input.id))
      .map((input) => ({ id: input.id, reason: reasonOf(input.id) })),
  };
}
