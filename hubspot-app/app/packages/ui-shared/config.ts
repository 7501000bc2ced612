// The backend the cards, the home page and the settings page call. Its /api/ path is what app-hsmeta.json
// permittedUrls.fetch allows; for `hs project dev`, local.json proxies it to http://localhost:3000.
// `npm run hs:configure -- --base-url https://…` rewrites it with every other place that names it.
export const BACKEND_URL = 'https://fathom-hubspot.example.com';
