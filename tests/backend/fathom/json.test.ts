import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { parseFathomJson } from '../../../backend/src/fathom/json.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { generateMeetings, startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';

test('NULs are dropped and lone surrogates replaced, in values and keys; everything else is kept as sent', () => {
  const sent = JSON.stringify({
    title: 'a\u0000b',
    text: 'x\ud800y\udc00z',
    emoji: 'ok \ud83d\ude00',
    ['k\u0000ey']: [1, 'q\u0000'],
    nested: { deep: ['\udfff'] },
  });
  expect(parseFathomJson(sent)).toEqual({
    title: 'ab',
    text: 'x\ufffdy\ufffdz',
    emoji: 'ok \ud83d\ude00',
    key: [1, 'q'],
    nested: { deep: ['\ufffd'] },
  });
  expect(parseFathomJson('{"__proto__":{"polluted":1},"a\\u0000":2}')).toEqual(
    JSON.parse('{"__proto__":{"polluted":1},"a":2}'),
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test('escapes in either case are cleaned, each on its own; a text with nothing to clean parses as JSON.parse does', () => {
  expect(parseFathomJson('{"t":"a\\uD800b"}')).toEqual({ t: 'a\ufffdb' });
  expect(parseFathomJson('{"t":"a\\uDFFFb"}')).toEqual({ t: 'a\ufffdb' });
  expect(parseFathomJson('{"u":"\\u0000x"}')).toEqual({ u: 'x' });
  expect(parseFathomJson('{"k\\uDC00":1}')).toEqual({ 'k\ufffd': 1 });
  expect(parseFathomJson('{"e":"\\uD83D\\uDE00"}')).toEqual({ e: '\ud83d\ude00' });
  const plain = JSON.stringify({ title: 'Discovery call', n: [1, 2.5, null, true], nested: { s: 'é \\u0041 ok' } });
  expect(parseFathomJson(plain)).toEqual(JSON.parse(plain));
});

let testDb: TestDatabase;
let fathom: FathomStandIn;
beforeAll(async () => {
  testDb = await createMigratedDatabase();
  const meetings = generateMeetings({ count: 3 });
  meetings[1]!.title = 'Pricing\u0000 call \ud800';
  meetings[1]!.transcript[0]!.text = 'Hello\u0000 there';
  fathom = await startFathomStandIn({ meetings });
});
afterAll(async () => {
  await fathom.close();
  await testDb.drop();
});

test('a meeting whose title and transcript carry a NUL and a lone surrogate is stored with the rest of its page', async () => {
  const accountId = await connectedAccount(testDb.db, 3901);
  const result = await runSync(testDb.db, {
    accountId,
    source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: 3901 }),
    analyse: () => ({ version: 'test', score: null, metrics: {} }),
  });
  expect(result.meetingsNew).toBe(3);
  const stored = await withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<{ title: string; text: string }>(
          `SELECT c.title, s.text FROM conversations c JOIN transcript_segments s ON s.conversation_id = c.id AND s.position = 0
        WHERE c.account_id = $1 AND c.external_id = $2`,
          [accountId, String(fathom.meetings[1]!.recording_id)],
        )
      ).rows[0],
  );
  expect(stored).toEqual({ title: 'Pricing call \ufffd', text: 'Hello there' });
});
