import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { afterEach, describe, expect, test } from '@jest/globals';
import {
  verifyFathomWebhook,
  WebhookSignatureInvalid,
  type VerifiedDelivery,
} from '../../../backend/src/fathom/webhookSignature.ts';
import { generateMeetings, signWebhook, startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { listen, type Listening } from '../../support/http.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
const now = Date.parse('2026-03-02T16:00:00Z');
const nowSeconds = now / 1000;
const body = JSON.stringify(generateMeetings({ count: 1 })[0]);

function verify(headers: Record<string, string>, rawBody: string | Buffer = body, key = secret): VerifiedDelivery {
  return verifyFathomWebhook({ secret: key, headers, rawBody, now });
}

function refusal(run: () => unknown): WebhookSignatureInvalid {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookSignatureInvalid);
    expect((error as Error).message).not.toContain(secret.slice(6));
    return error as WebhookSignatureInvalid;
  }
  throw new Error('the webhook was accepted');
}

describe('Fathom webhook verification', () => {
  test('a delivery signed with the secret is accepted, as bytes or as text', () => {
    const headers = signWebhook(secret, 'msg_1', nowSeconds, body);

    expect(verify(headers)).toEqual({ id: 'msg_1', timestamp: new Date(now) });
    expect(verify(headers, Buffer.from(body, 'utf8')).id).toBe('msg_1');
  });

  test('header names are matched in any case, and a Headers object works too', () => {
    const signed = signWebhook(secret, 'msg_2', nowSeconds, body);
    const shouting = Object.fromEntries(Object.entries(signed).map(([name, value]) => [name.toUpperCase(), value]));

    expect(verify(shouting).id).toBe('msg_2');
    expect(verifyFathomWebhook({ secret, headers: new Headers(signed), rawBody: body, now }).id).toBe('msg_2');
  });

  test('one valid signature among several (secret rotation) is enough; unknown versions are skipped', () => {
    const signed = signWebhook(secret, 'msg_3', nowSeconds, body);
    const stale = signWebhook(otherSecret, 'msg_3', nowSeconds, body)['webhook-signature'];
    const headers = { ...signed, 'webhook-signature': `v1a,whatever ${stale} ${signed['webhook-signature']}` };

    expect(verify(headers).id).toBe('msg_3');
  });

  test('a changed body is refused', () => {
    const headers = signWebhook(secret, 'msg_4', nowSeconds, body);
    const changed = body.replace('Discovery call', 'Discovery calls');

    expect(refusal(() => verify(headers, changed)).message).toMatch(/does not match/);
  });

  test('a changed id or timestamp is refused', () => {
    const headers = signWebhook(secret, 'msg_5', nowSeconds, body);

    refusal(() => verify({ ...headers, 'webhook-id': 'msg_6' }));
    refusal(() => verify({ ...headers, 'webhook-timestamp': String(nowSeconds - 1) }));
  });

  test('a delivery signed with another secret is refused', () => {
    refusal(() => verify(signWebhook(otherSecret, 'msg_7', nowSeconds, body)));
  });

  test('a stale delivery (over 5 minutes old) is refused, one just inside the window accepted', () => {
    expect(refusal(() => verify(signWebhook(secret, 'msg_8', nowSeconds - 301, body))).message).toMatch(/too old/);
    expect(verify(signWebhook(secret, 'msg_9', nowSeconds - 299, body)).id).toBe('msg_9');
  });

  test('a delivery from the future (over 5 minutes ahead) is refused', () => {
    expect(refusal(() => verify(signWebhook(secret, 'msg_10', nowSeconds + 301, body))).message).toMatch(/future/);
    expect(verify(signWebhook(secret, 'msg_11', nowSeconds + 299, body)).id).toBe('msg_11');
  });

  test.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('a delivery without %s is refused', (name) => {
    const headers: Record<string, string> = signWebhook(secret, 'msg_12', nowSeconds, body);
    delete headers[name];

    expect(refusal(() => verify(headers)).message).toMatch(/required/);
  });

  test('a signature that is not v1, or not base64 of the right length, is refused', () => {
    const headers = signWebhook(secret, 'msg_13', nowSeconds, body);
    const digest = headers['webhook-signature']!.slice(3);

    refusal(() => verify({ ...headers, 'webhook-signature': `v2,${digest}` }));
    refusal(() => verify({ ...headers, 'webhook-signature': `v1,${digest.slice(0, 20)}` }));
    refusal(() => verify({ ...headers, 'webhook-signature': digest }));
    refusal(() => verify({ ...headers, 'webhook-timestamp': 'yesterday' }));
  });
});

describe('a delivery from the Fathom stand-in', () => {
  let standIn: FathomStandIn | null = null;
  let receiver: Listening | null = null;

  afterEach(async () => {
    await standIn?.close();
    await receiver?.close();
    standIn = null;
    receiver = null;
  });

  test('is signed with the secret Fathom handed out when the webhook was created', async () => {
    standIn = await startFathomStandIn({ count: 1 });
    const received: Array<{ ok: boolean; id?: string; title?: string }> = [];
    receiver = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const webhook = [...standIn!.webhooks.values()][0]!;
        try {
          const delivery = verifyFathomWebhook({ secret: webhook.secret, headers: req.headers, rawBody });
          received.push({
            ok: true,
            id: delivery.id,
            title: (JSON.parse(rawBody.toString('utf8')) as { title: string }).title,
          });
          res.writeHead(200).end();
        } catch {
          received.push({ ok: false });
          res.writeHead(401).end();
        }
      });
    });
    const response = await fetch(`${standIn.baseUrl}/webhooks`, {
      method: 'POST',
      headers: { 'x-api-key': standIn.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        destination_url: receiver.url,
        triggered_for: ['my_recordings'],
        include_transcript: true,
      }),
    });
    const webhook = (await response.json()) as { secret: string };

    const good = await standIn.deliverWebhook({
      url: receiver.url,
      secret: webhook.secret,
      body: standIn.meetings[0],
      id: 'msg_abc',
    });
    const forged = await standIn.deliverWebhook({ url: receiver.url, secret: otherSecret, body: standIn.meetings[0] });

    expect(good.status).toBe(200);
    expect(forged.status).toBe(401);
    expect(received).toEqual([{ ok: true, id: 'msg_abc', title: 'Discovery call #1' }, { ok: false }]);
  });
});
