// The backend the cards call. Its /api/ path is what app-hsmeta.json permittedUrls.fetch allows; for
// `hs project dev`, local.json proxies it to http://localhost:3000.
export const BACKEND_URL = 'https://fathom-hubspot.example.com';

/** HubSpot object type ids of the records the cards sit on. */
export const OBJECT_TYPES: Record<string, 'contacts' | 'deals'> = { '0-1': 'contacts', '0-3': 'deals' };
