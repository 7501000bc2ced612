// The HubSpot scopes the app asks for; hubspot-app/app/app-hsmeta.json declares the same
// (tests/hubspot-app/project.test.ts holds them equal). Ask only for what the code calls.
/**
 * `oauth` for the install itself; contacts and deals to link calls to them (batch reads of
 * contacts and deals, contact→deal associations in hubspot/recordLinker.ts).
 */
export const REQUIRED_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read'] as const;
/**
 * Optional: companies, for the company card (contact→company associations in
 * hubspot/recordLinker.ts; a portal without it gets no company links), and the portal's users,
 * for "Import users from HubSpot" on the settings page (users/importHubSpotUsers.ts).
 */
export const OPTIONAL_SCOPES = ['crm.objects.companies.read', 'settings.users.read'] as const;
