import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { z } from 'zod';
import { STATE_TTL_MS } from './states.ts';

// One rule for every value the browser flows read from a query string or a form: a single string
// of at most 4,096 characters (the larger of the two limits the flows had, so nothing either
// accepted is refused; what we issue and what the providers send is far shorter). Anything else
// (absent, repeated, nested, longer) counts as missing, and the flow answers with its own words.
export const browserValue = z.string().max(4096).optional().catch(undefined);

/** What a provider's redirect back carries. */
export const callbackQuery = z.object({ code: browserValue, state: browserValue, error: browserValue });

/**
 * The cookie that binds a flow's states to the browser that started it: HttpOnly, SameSite=Lax
 * (another site's POST does not carry it), sent to the flow's own paths only, kept as long as a
 * state works.
 */
export function flowCookie(name: string, path: string, secure: boolean) {
  const cookie = (value: string, maxAge: number) =>
    serializeCookie(name, value, { httpOnly: true, sameSite: 'lax', secure, path, maxAge });
  return {
    set: (browserNonce: string) => cookie(browserNonce, STATE_TTL_MS / 1000),
    clear: () => cookie('', 0),
    read: (cookieHeader: string | undefined): string | undefined => parseCookies(cookieHeader ?? '')[name],
  };
}

/**
 * The headers of every page of the flows. A page is never cached nor shown inside another site's
 * frame (a confirmation button must not be clickable there), and its URL, which can carry a link,
 * a code or a state, does not travel to another site as a Referer. Not 'no-referrer': with it,
 * browsers send `Origin: null` on the confirmation form's POST, which the origin check refuses.
 */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
} as const;
