// The HubSpot scopes the app asks for; hubspot-app/app/app-hsmeta.json declares the same
// (tests/hubspot-app/project.test.ts holds them equal). Ask only for what the code calls.
/**
 * `oauth` for the install itself; contacts and deals to link calls to them (batch reads of
 * contacts and deals, contact→deal associations in hubspot/recordLinker.ts).
 */
export const REQUIRED_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read'] as const;
/**
 * Optional: the portal's users, for "Import users from HubSpot" on the settings page
 * (users/importHubSpotUsers.ts). Companies come back with a company card, not before.
 */
export const OPTIONAL_SCOPES = ['settings.users.read'] as const;
