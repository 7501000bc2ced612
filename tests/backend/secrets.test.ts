import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { storedMeetings } from '../support/faultFixture.ts';
import { waitFor } from '../support/waitFor.ts';
import { generateMeetings, signWebhook, startFathomStandIn, type FathomStandIn } from '../support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../support/install.ts';
import { startOpenAiStandIn, type OpenAiStandIn } from '../support/openAiStandIn.ts';
import { goodAnswer } from '../support/reviewAnswers.ts';
import { signedFetch } from '../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';

const HUB = 6105;
const BUYERS = ['jane.buyer@customer.example', 'omar.lead@prospect.example'];
// A short tag and a long random part, as real keys and tokens look: an echo of any prefix of one
// (say its first 28 characters) is mostly random part, and the fragment search below finds it.
const known = (tag: string) => `${tag}_${randomBytes(30).toString('base64url')}`;
const randomPart = (secret: string) => secret.slice(secret.indexOf('_') + 1);
const hubspotTokens = [
  { accessToken: known('hsa'), refreshToken: known('hsr') },
  { accessToken: known('hsa2'), refreshToken: known('hsr2') },
];
const fathomApiKey = known('fk');
const fathomApp = { clientId: 'fathom-app', clientSecret: known('fcs') };
const llmApiKey = known('sk');

let hubspot: HubSpotStandIn;
let fathom: FathomStandIn;
let llm: OpenAiStandIn;
let backend: TestBackend;

/** Every answer our backend gave during the test: status, headers and body. */
const seen: Array<{ what: string; status: number; headers: string; body: string }> = [];
async function record(what: string, response: Response): Promise<Response> {
  seen.push({
    what,
    status: response.status,
    headers: JSON.stringify([...response.headers]),
    body: await response.clone().text(),
  });
  return response;
}
const recordingFetch: typeof fetch = async (input, init) => record(`GET ${String(input)}`, await fetch(input, init));

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    contacts: BUYERS.map((email, i) => ({ id: String(501 + i), email, dealIds: [] })),
    users: [{ id: 777, email: 'Admin@Customer.example.com' }],
  });
  hubspot.nextTokens.push(...hubspotTokens);
  fathom = await startFathomStandIn({
    count: 12,
    pageSize: 5,
    apiKey: fathomApiKey,
    inviteeEmails: BUYERS,
    oauth: fathomApp,
  });
  llm = await startOpenAiStandIn({ answer: goodAnswer, apiKey: llmApiKey });
  backend = await startTestBackend(
    {
      ...hubspotEnv(hubspot),
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'stand-in-model',
      LLM_API_KEY: llmApiKey,
      FATHOM_API_BASE: fathom.baseUrl,
      FATHOM_AUTH_BASE: fathom.authBaseUrl,
      FATHOM_CLIENT_ID: fathomApp.clientId,
      FATHOM_CLIENT_SECRET: fathomApp.clientSecret,
    },
    { workers: true },
  );
});
afterAll(async () => {
  await backend.close();
  await fathom.close();
  await llm.close();
  await hubspot.close();
});

const asAdmin = async (path: string, init: { method?: string; body?: unknown } = {}) =>
  record(
    `${init.method ?? 'GET'} ${path}`,
    await signedFetch(backend.url, path, {
      clientSecret: hubspot.clientSecret,
      identity: { portalId: HUB, userId: 777, userEmail: 'admin@customer.example.com' },
      ...init,
    }),
  );

/** Every value of every column of every table (all schemas of the app and of pg-boss), read as the owner. */
async function everyStoredValue(db: Database): Promise<Array<{ where: string; value: unknown }>> {
  const tables = (
    await db.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      ORDER BY 1, 2`,
    )
  ).rows;
  const values: Array<{ where: string; value: unknown }> = [];
  for (const table of tables) {
    const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM "${table.schema}"."${table.name}"`);
    for (const row of rows)
      for (const [column, value] of Object.entries(row))
        values.push({ where: `${table.schema}.${table.name}.${column}`, value });
  }
  return values;
}

type Secret = {
  name: string;
  /** The whole secret as the app receives it. */
  text: string;
  /** Its random part (without a fixed prefix such as `whsec_`): any 12 characters of it are searched for. */
  random: string;
  /** The raw bytes it stands for (a base64 key or signing secret): any 12 of them are searched for. */
  bytes?: Buffer;
};

const TEXT_WINDOW = 12;
const BASE64_WINDOW = 16;
const windows = (text: string, size: number) =>
  Array.from({ length: Math.max(0, text.length - size + 1) }, (_, i) => text.slice(i, i + size));

/**
 * What a leak of `secret` can look like: the whole of it, any 12 characters of its random part,
 * any 16 characters of the base64 (or base64url) encoding of its random part at each of the three
 * byte alignments (so a base64 encoding of the secret, or of a piece of it, is found wherever the
 * piece starts), and any 12 of its raw bytes.
 */
function fragmentsOf(secret: Secret): Map<number, Set<string>> {
  const bySize = new Map<number, Set<string>>([
    [TEXT_WINDOW, new Set()],
    [BASE64_WINDOW, new Set()],
  ]);
  for (const fragment of windows(secret.random, TEXT_WINDOW)) bySize.get(TEXT_WINDOW)!.add(fragment);
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.from(secret.random, 'utf8').subarray(offset).toString('base64').slice(0, -4);
    for (const fragment of windows(encoded, BASE64_WINDOW)) {
      bySize.get(BASE64_WINDOW)!.add(fragment);
      bySize.get(BASE64_WINDOW)!.add(fragment.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  if (secret.bytes)
    for (const fragment of windows(secret.bytes.toString('latin1'), TEXT_WINDOW))
      bySize.get(TEXT_WINDOW)!.add(fragment);
  return bySize;
}

/** The places (by name) where a secret, or a fragment of one, appears: as text anywhere, and as bytes in binary columns. */
function leaks(values: Array<{ where: string; value: unknown }>, secrets: Secret[]) {
  // fragment → the secrets it belongs to, per window size: each text is slid over once per size.
  const index = new Map<number, Map<string, Set<string>>>();
  for (const secret of secrets) {
    for (const [size, fragments] of fragmentsOf(secret)) {
      const bySize = index.get(size) ?? index.set(size, new Map()).get(size)!;
      for (const fragment of fragments)
        (bySize.get(fragment) ?? bySize.set(fragment, new Set()).get(fragment)!).add(secret.name);
    }
  }
  const found: string[] = [];
  for (const { where, value } of values) {
    if (value === null || value === undefined) continue;
    const binary = value instanceof Uint8Array ? Buffer.from(value) : undefined;
    const texts = binary
      ? [binary.toString('latin1'), binary.toString('utf8')]
      : [typeof value === 'string' ? value : JSON.stringify(value)];
    const names = new Set<string>();
    for (const text of texts) {
      for (const secret of secrets) if (text.includes(secret.text)) names.add(secret.name);
      for (const [size, fragments] of index) {
        for (let i = 0; i + size <= text.length; i++)
          for (const name of fragments.get(text.slice(i, i + size)) ?? []) names.add(name);
      }
    }
    for (const name of names) found.push(`${name} (or a fragment of it) in ${where}`);
  }
  return found;
}

/** The secrets a known string stands for: its random part after the tag. */
const knownSecret = (name: string, text: string): Secret => ({ name, text, random: randomPart(text) });

test('install, connect, sync, webhook, card and settings reads with known secrets: none of them appears in a log line, a response or a database column', async () => {
  const db = backend.testDb.db;
  await installThroughStandIn(backend.url, recordingFetch);
  // The AI review on: the backfill's calls go to the model with its key.
  expect((await asAdmin('/api/settings/ai', { method: 'PUT', body: { enabled: true } })).status).toBe(200);

  const connected = await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathomApiKey } });
  expect(connected.status).toBe(200);
  const accountId = (
    await withSystem(db, (tx) => tx.query<{ id: string }>('SELECT id FROM accounts WHERE hub_id = $1', [HUB]))
  ).rows[0]!.id;
  await waitFor(async () => (await storedMeetings(db, accountId)).conversations === 12, 'the backfill');

  // Fathom pushes a new meeting, signed with the webhook's secret.
  const [hook] = [...fathom.webhooks.values()];
  const webhookSecret = hook!.secret;
  const [meeting] = generateMeetings({
    count: 1,
    firstRecordingId: 880_001,
    inviteeEmails: BUYERS,
    newest: new Date(),
  });
  const payload = JSON.stringify(meeting);
  await record(
    'POST webhook',
    await fetch(hook!.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signWebhook(webhookSecret, 'msg_secret_test', Math.floor(Date.now() / 1000), payload),
      },
      body: payload,
    }),
  );
  await waitFor(async () => (await storedMeetings(db, accountId)).conversations === 13, 'the webhook meeting');
  await waitFor(async () => llm.requests.length >= 13, 'the AI reviews');
  expect(llm.requests[0]!.authorization).toBe(`Bearer ${llmApiKey}`);

  const list = (await (await asAdmin('/api/cards/conversations?objectType=contacts&objectId=501')).json()) as {
    items: Array<{ id: string }>;
  };
  expect(list.items.length).toBeGreaterThan(0);
  await asAdmin(`/api/cards/conversations/${list.items[0]!.id}`);
  await asAdmin('/api/cards/coaching?objectType=contacts&objectId=501');
  for (const path of [
    '/api/settings/fathom',
    '/api/settings/roles',
    '/api/settings/sync-logs',
    '/api/settings/trackers',
    '/api/settings/ai',
  ])
    await asAdmin(path);
  // An expired access token: the import refreshes it (the second known pair) and calls HubSpot with it.
  await withSystem(db, (tx) =>
    tx.query(`UPDATE api_connections SET expires_at = now() - interval '1 minute' WHERE provider = 'hubspot'`),
  );
  expect((await asAdmin('/api/settings/roles/import', { method: 'POST' })).status).toBe(200);
  expect(hubspot.accessTokens).toEqual(hubspotTokens.map((pair) => pair.accessToken));
  // A wrong key is refused; Fathom's answer must not carry it back either.
  const wrongKey = known('fwk');
  expect((await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: wrongKey } })).status).toBe(400);

  const webhookRandom = webhookSecret.slice('whsec_'.length);
  const secrets: Secret[] = [
    ...hubspotTokens.flatMap((pair) => [
      knownSecret('HubSpot access token', pair.accessToken),
      knownSecret('HubSpot refresh token', pair.refreshToken),
    ]),
    { name: 'HubSpot client secret', text: hubspot.clientSecret, random: hubspot.clientSecret },
    knownSecret('Fathom API key', fathomApiKey),
    knownSecret('wrong Fathom API key', wrongKey),
    knownSecret('LLM API key', llmApiKey),
    {
      name: 'Fathom webhook secret',
      text: webhookSecret,
      random: webhookRandom,
      bytes: Buffer.from(webhookRandom, 'base64'),
    },
    {
      name: 'token encryption key',
      text: backend.config.tokenEncryptionKey!,
      random: backend.config.tokenEncryptionKey!,
      bytes: Buffer.from(backend.config.tokenEncryptionKey!, 'base64'),
    },
  ];
  // The search finds what it should: a 28-character echo of a key (its tag and 25 random
  // characters), and the base64 of a piece of the webhook secret's bytes.
  expect(leaks([{ where: 'a planted echo', value: `refused key ${wrongKey.slice(0, 28)}…` }], secrets)).toEqual([
    'wrong Fathom API key (or a fragment of it) in a planted echo',
  ]);
  expect(
    leaks([{ where: 'a planted base64', value: Buffer.from(fathomApiKey.slice(5, 25)).toString('base64') }], secrets),
  ).toEqual(['Fathom API key (or a fragment of it) in a planted base64']);

  // Logs: every line the backend wrote, as the production logger writes it.
  const logLines = backend.log.lines();
  expect(logLines.length).toBeGreaterThan(0);
  expect(
    leaks(
      logLines.map((line, i) => ({ where: `log line ${i} (${String(line.msg)})`, value: JSON.stringify(line) })),
      secrets,
    ),
  ).toEqual([]);

  // Responses: status, headers and body of every answer.
  expect(seen.length).toBe(15);
  expect(
    leaks(
      seen.map((answer) => ({
        where: `${answer.what} → ${answer.status}`,
        value: `${answer.headers}\n${answer.body}`,
      })),
      secrets,
    ),
  ).toEqual([]);

  // Database: every column of every table, text and binary.
  const stored = await everyStoredValue(db);
  expect(leaks(stored, secrets)).toEqual([]);
  // The scan reads what it should: plain data is found, and the sealed credentials are there.
  expect(
    leaks(stored, [
      { name: 'a meeting title', text: meeting!.title, random: meeting!.title },
      { name: 'the admin', text: 'admin@customer.example.com', random: 'admin@customer.example.com' },
    ]).length,
  ).toBeGreaterThan(0);
  const sealed = (
    await withSystem(db, (tx) =>
      tx.query<{ provider: string; sealed: number }>(
        `SELECT provider, num_nonnulls(access_token_enc, refresh_token_enc, api_key_enc, webhook_secret_enc)::int AS sealed
         FROM api_connections WHERE account_id = $1 ORDER BY provider`,
        [accountId],
      ),
    )
  ).rows;
  expect(sealed).toEqual([
    { provider: 'fathom', sealed: 2 },
    { provider: 'hubspot', sealed: 2 },
  ]);
});

test('connecting Fathom with OAuth and a token refresh later: no access or refresh token, nor the Fathom client secret, appears in a log line, a response or a database column', async () => {
  const db = backend.testDb.db;
  const before = seen.length;
  const status = (await (await asAdmin('/api/settings/fathom')).json()) as { oauth: { connectUrl: string } };
  const start = await recordingFetch(status.oauth.connectUrl, { redirect: 'manual' });
  expect(start.status).toBe(200);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const confirmation = /name="confirmation" value="([^"]+)"/.exec(await start.text())![1]!;
  const confirmed = await record(
    'POST /oauth/fathom/start',
    await fetch(`${backend.url}/oauth/fathom/start`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ confirmation }).toString(),
    }),
  );
  expect(confirmed.status).toBe(303);
  const consent = await fetch(confirmed.headers.get('location')!, { redirect: 'manual' });
  const callback = await recordingFetch(consent.headers.get('location')!, { redirect: 'manual', headers: { cookie } });
  expect(callback.status).toBe(200);
  const issued = [fathom.oauthState()];

  // Expired everywhere: the next sync must refresh, rotating the refresh token.
  fathom.expireAccessTokens();
  await withSystem(db, (tx) =>
    tx.query(`UPDATE api_connections SET expires_at = now() - interval '1 minute' WHERE provider = 'fathom'`),
  );
  const refreshed = () =>
    fathom.requests.some(
      (r) => r.endpoint === 'POST /oauth2/token' && r.form?.get('grant_type') === 'refresh_token' && r.status === 200,
    );
  await asAdmin('/api/settings/sync', { method: 'POST' });
  await waitFor(async () => refreshed(), 'a sync that refreshes the token');
  await waitFor(async () => {
    const logs = (await (await asAdmin('/api/settings/sync-logs?limit=1')).json()) as {
      items: Array<{ status: string }>;
    };
    return logs.items[0]?.status === 'succeeded';
  }, 'the sync after the refresh');
  issued.push(fathom.oauthState());
  await asAdmin('/api/settings/fathom');

  const tokens = [...new Set(issued.flatMap((state) => [state.latestRefreshToken!, ...state.liveAccessTokens]))];
  expect(tokens.length).toBeGreaterThanOrEqual(4);
  // The stand-in's tokens end in their random part (`fathom-at-1-<hex>`).
  const secrets: Secret[] = [
    ...tokens.map((text, i) => ({
      name: `Fathom OAuth token ${i}`,
      text,
      random: text.slice(text.lastIndexOf('-') + 1),
    })),
    knownSecret('Fathom client secret', fathomApp.clientSecret),
  ];
  expect(
    leaks(
      backend.log
        .lines()
        .map((line, i) => ({ where: `log line ${i} (${String(line.msg)})`, value: JSON.stringify(line) })),
      secrets,
    ),
  ).toEqual([]);
  expect(seen.length).toBeGreaterThan(before + 4);
  expect(
    leaks(
      seen.map((answer) => ({
        where: `${answer.what} → ${answer.status}`,
        value: `${answer.headers}\n${answer.body}`,
      })),
      secrets,
    ),
  ).toEqual([]);
  expect(leaks(await everyStoredValue(db), secrets)).toEqual([]);
  const sealed = (
    await withSystem(db, (tx) =>
      tx.query<{ auth_type: string; sealed: number }>(
        `SELECT auth_type, num_nonnulls(access_token_enc, refresh_token_enc, webhook_secret_enc)::int AS sealed FROM api_connections WHERE provider = 'fathom'`,
      ),
    )
  ).rows;
  expect(sealed).toEqual([{ auth_type: 'oauth', sealed: 3 }]);
});
