// The few pages a browser sees (the end of the install flow). Plain, accessible HTML; every
// dynamic value is escaped, and nothing from the query string is reflected.

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function layout(title: string, body: string, options: { error?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Fathom for HubSpot</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; color: #1f2933; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { font-size: 1.6rem; }
  .card { border: 1px solid #cbd2d9; border-radius: 8px; padding: 1rem 1.5rem; }
  .error { border-color: #d64545; }
  a { color: #0b63ce; }
  code { background: #f0f4f8; padding: 0 .25rem; border-radius: 4px; }
</style>
</head>
<body>
<main class="card${options.error ? ' error' : ''}">
${body}
</main>
</body>
</html>`;
}

export function installSuccessPage(options: {
  hubId: number;
  portalName: string | null;
  reinstall: boolean;
  role: 'admin' | 'manager' | 'rep';
}): string {
  const portal = options.portalName
    ? `${escapeHtml(options.portalName)} (portal ${options.hubId})`
    : `portal ${options.hubId}`;
  const you =
    options.role === 'admin'
      ? ', and you are its admin.'
      : `. Your role in the app stays <strong>${options.role}</strong>: installing again gives no role; ` +
        'an admin of the app can change roles in the app settings.';
  return layout(
    'Installed',
    `<h1>Fathom for HubSpot is ${options.reinstall ? 'reconnected' : 'installed'}</h1>
<p role="status">The app is connected to HubSpot ${portal}${you}</p>
<h2>Next steps</h2>
<ol>
  <li><strong>Connect Fathom.</strong> In HubSpot, open <em>Settings → Connected apps → Fathom for HubSpot</em> and connect your Fathom account (or paste a Fathom API key). Your calls start syncing right away.</li>
  <li><strong>Add the cards to your record layouts.</strong> Open a contact, click <em>Customize</em> on a tab, and add the <em>Fathom conversations</em> and <em>Coaching</em> cards. Do the same for deals.</li>
  <li><strong>Assign roles.</strong> In the app settings, make your sales managers <em>managers</em>; everyone else starts as a <em>rep</em>.</li>
</ol>
<p>You can close this tab.</p>`,
  );
}

export function installErrorPage(options: { title: string; message: string; retryUrl?: string }): string {
  return layout(
    `Install failed: ${options.title}`,
    `<h1>Install failed: ${escapeHtml(options.title)}</h1>
<p role="alert">${escapeHtml(options.message)}</p>
${options.retryUrl ? `<p><a href="${escapeHtml(options.retryUrl)}">Start the install again</a></p>` : ''}
<p>Nothing was saved. If this keeps happening, contact support and mention the time of this attempt.</p>`,
    { error: true },
  );
}

export function fathomConnectedPage(): string {
  return layout(
    'Fathom connected',
    `<h1>Fathom is connected</h1>
<p role="status">Your Fathom calls are syncing now: the history first, then every new call within seconds of Fathom processing it.</p>
<p>Close this tab and go back to the app settings in HubSpot to follow the sync.</p>`,
  );
}

/**
 * The step between the settings link and Fathom: names the HubSpot portal and the admin the
 * connection is for, so a forwarded link cannot quietly connect someone else's Fathom. The button
 * posts a single-use confirmation token that only works with this browser's cookie.
 */
export function fathomConfirmPage(options: {
  action: string;
  confirmation: string;
  hubId: number;
  portalName: string | null;
  adminEmail: string;
}): string {
  const portal = options.portalName
    ? `<strong>${escapeHtml(options.portalName)}</strong> (portal ${options.hubId})`
    : `<strong>portal ${options.hubId}</strong>`;
  return layout(
    'Connect Fathom',
    `<h1>Connect Fathom to HubSpot ${portal}?</h1>
<p>You are connecting as <strong>${escapeHtml(options.adminEmail)}</strong>, an admin of that portal.
The calls of the Fathom account you sign in with next will be synced into this portal, and its users will see them.</p>
<p>If you did not just click "Connect with Fathom" in this portal's app settings yourself, close this tab.</p>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="confirmation" value="${escapeHtml(options.confirmation)}">
<button type="submit">Continue to Fathom</button>
</form>`,
  );
}

export function fathomConnectErrorPage(options: { title: string; message: string }): string {
  return layout(
    `Fathom not connected: ${options.title}`,
    `<h1>Fathom not connected: ${escapeHtml(options.title)}</h1>
<p role="alert">${escapeHtml(options.message)}</p>
<p>You can also connect Fathom with an API key in the app settings.</p>`,
    { error: true },
  );
}
