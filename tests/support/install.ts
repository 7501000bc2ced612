/**
 * Installs the app as an admin's browser would, through the HubSpot stand-in: our install link,
 * HubSpot's authorize page, its "Connect app" link, our callback with the install cookie.
 * `fetchFn` lets a test see every response of the flow.
 */
export async function installThroughStandIn(backendUrl: string, fetchFn: typeof fetch = fetch): Promise<Response> {
  const start = await fetchFn(`${backendUrl}/oauth/hubspot/install`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`the install link answered ${start.status}`);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await (await fetch(start.headers.get('location')!)).text();
  const link = /id="allow" href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  if (!link) throw new Error('the HubSpot stand-in showed no "Connect app" link');
  const callback = await fetchFn(link, { headers: { cookie } });
  if (callback.status !== 200)
    throw new Error(`the install callback answered ${callback.status}: ${await callback.text()}`);
  return callback;
}
