import type { Queryable } from '../db/database.ts';

/** HubSpot's app origin for a data centre: na1 is app.hubspot.com, the others app-<hublet>.hubspot.com (EU: app-eu1). */
export function hubspotAppOrigin(hublet: string | null | undefined): string {
  return !hublet || hublet === 'na1' ? 'https://app.hubspot.com' : `https://app-${hublet}.hubspot.com`;
}

/** The current tenant's Connected apps page (where an admin opens this app's settings), on its own HubSpot domain. */
export async function connectedAppsUrl(tx: Queryable, hubId: number): Promise<string> {
  const { rows } = await tx.query<{ hublet: string | null }>(`SELECT hublet FROM accounts WHERE id = app_account_id()`);
  return `${hubspotAppOrigin(rows[0]?.hublet)}/connected-apps/${hubId}/installed`;
}
