import { describe, expect, test } from '@jest/globals';
import { Signature } from '@hubspot/api-client';
import { signatureV3, verifySignatureV3 } from '../../../backend/src/hubspot/signature.ts';
import { asHubSpotSigns } from '../../support/signedFetch.ts';

const clientSecret = 'test-client-secret-not-real';
const now = 1_795_000_000_000;
const uri =
  'https://app.example.com/api/cards/conversations?objectType=contacts&objectId=5&portalId=42&userId=7&userEmail=rita%40seller.example.com&q=a%3Ab%2Cc%20d';
const body = JSON.stringify({ conversationId: 'c', body: 'Ask "why"?' });

function signedByHubSpot(request: { method: string; uri: string; body: string; timestamp: number }) {
  return Signature.getSignature(request.method, 'v3', {
    signature: '',
    clientSecret,
    requestBody: request.body,
    url: asHubSpotSigns(request.uri),
    timestamp: request.timestamp,
  });
}

const request = { method: 'POST', uri, body, timestamp: now };
const verify = (overrides: Partial<Parameters<typeof verifySignatureV3>[0]> = {}) =>
  verifySignatureV3({
    clientSecret,
    method: 'POST',
    uri,
    body,
    signature: signedByHubSpot(request),
    timestamp: String(now),
    now,
    ...overrides,
  });

describe('HubSpot v3 request signatures', () => {
  test('our signer agrees with @hubspot/api-client, including encoded characters in the query', () => {
    expect(signatureV3({ clientSecret, method: 'POST', uri, body, timestamp: String(now) })).toBe(
      signedByHubSpot(request),
    );
  });

  test('accepts what HubSpot signs: a JSON body, and a GET without one', () => {
    expect(verify()).toEqual({ ok: true });
    const get = { method: 'GET', uri, body: '', timestamp: now };
    expect(verify({ method: 'GET', body: '', signature: signedByHubSpot(get) })).toEqual({ ok: true });
  });

  test.each([
    ['a changed method', { method: 'PUT' }],
    ['a changed path', { uri: uri.replace('/conversations', '/coaching') }],
    ['a changed query', { uri: uri.replace('portalId=42', 'portalId=43') }],
    ['a changed body', { body: body.replace('why', 'how') }],
    ['a changed timestamp', { timestamp: String(now + 1) }],
    ['another secret', { clientSecret: 'another-secret' }],
  ])('rejects %s', (_what, overrides) => {
    expect(verify(overrides)).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  test('rejects a stale and a future timestamp, even when correctly signed', () => {
    const stale = { ...request, timestamp: now - 5 * 60_000 - 1 };
    expect(verify({ timestamp: String(stale.timestamp), signature: signedByHubSpot(stale) })).toEqual({
      ok: false,
      reason: 'timestamp older than 5 minutes',
    });
    const future = { ...request, timestamp: now + 5 * 60_000 + 1 };
    expect(verify({ timestamp: String(future.timestamp), signature: signedByHubSpot(future) })).toEqual({
      ok: false,
      reason: 'timestamp in the future',
    });
    const edge = { ...request, timestamp: now - 5 * 60_000 + 1000 };
    expect(verify({ timestamp: String(edge.timestamp), signature: signedByHubSpot(edge) })).toEqual({ ok: true });
  });

  test('rejects a missing header', () => {
    expect(verify({ signature: undefined }).ok).toBe(false);
    expect(verify({ timestamp: undefined }).ok).toBe(false);
  });
});
