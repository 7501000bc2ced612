/**
 * A link that opens the Fathom recording at a second, the way Fathom links its own action items:
 * `recording_playback_url` is the call's URL with the second as a `#t=<seconds>` fragment
 * (developers.fathom.ai, "new meeting content ready": `https://fathom.video/xyz123#t=645` for an
 * item at 00:10:45). Null without a URL we can trust to be Fathom's http(s) link.
 */
export function playbackUrlAt(callUrl: string | null, seconds: number | null): string | null {
  if (!callUrl || seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  let url: URL;
  try {
    url = new URL(callUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  url.hash = `t=${Math.floor(seconds)}`;
  return url.toString();
}
