// The HubSpot scopes the app asks for; hubspot-app/app/app-hsmeta.json declares the same
// (tests/hubspot-app/project.test.ts holds them equal). Ask only for what the code calls.
/**
 * `oauth` for the install itself; contacts and deals to link calls to them (batch reads of
 * contacts and deals, contact→deal associations in hubspot/recordLinker.ts).
 */
export const REQUIRED_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read'] as const;
/**
 * The write-back of call data (hubspot/writeback/): the fathom_* properties and their group
 * (crm.schemas.*.write) and the batch updates of the records (crm.objects.*.write). A portal
 * that did not grant all of them writes nothing (writeback/settings.ts says which are missing).
 */
export const WRITEBACK_SCOPES = [
  'crm.objects.contacts.write',
  'crm.objects.deals.write',
  'crm.objects.companies.write',
  'crm.schemas.contacts.write',
  'crm.schemas.deals.write',
  'crm.schemas.companies.write',
] as const;
/**
 * Optional: companies, for the company card (contact→company associations in
 * hubspot/recordLinker.ts; a portal without it gets no company links), the portal's users,
 * for "Import users from HubSpot" on the settings page (users/importHubSpotUsers.ts), and the
 * write-back scopes.
 */
export const OPTIONAL_SCOPES = ['crm.objects.companies.read', 'settings.users.read', ...WRITEBACK_SCOPES] as const;
