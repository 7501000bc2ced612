// The HubSpot scopes the app asks for; hubspot-app/app/app-hsmeta.json declares the same.
/** Read contacts and deals to link calls to them; `oauth` for the install itself. */
export const REQUIRED_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read'] as const;
/** Nice to have: companies for Fathom's company matches, users for the roles screen. */
export const OPTIONAL_SCOPES = ['crm.objects.companies.read', 'settings.users.read'] as const;
