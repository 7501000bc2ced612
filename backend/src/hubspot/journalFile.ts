import { z } from 'zod';

/** A journal file larger than this is refused (read as a stream, never buffered past it). */
export const JOURNAL_FILE_MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 15_000;

/** The file behind a journal entry's URL could not be read or is not of a shape we know. */
export class JournalFileNotUnderstood extends Error {
  override name = 'JournalFileNotUnderstood';
}

/**
 * HubSpot's journal file: an envelope `{ offset, journalEvents: [...], publishedAt }`. A bare
 * array of events is still read (the shape of the earliest journal files); anything else is not
 * understood.
 */
const envelope = z.looseObject({
  offset: z.string().optional(),
  journalEvents: z.array(z.unknown()),
  publishedAt: z.union([z.string(), z.number()]).optional(),
});

export type JournalFile = { events: unknown[]; publishedAt: Date | null };

/**
 * Fetches an entry's file from its pre-signed URL, without our token: over https only (or from
 * the configured API origin, which is how tests point at a local stand-in), refusing redirects,
 * and reading at most JOURNAL_FILE_MAX_BYTES of it.
 */
export async function fetchJournalFile(
  url: string,
  options: { apiBase: string; fetch?: typeof fetch },
): Promise<JournalFile> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new JournalFileNotUnderstood('the entry URL is not a URL');
  }
  if (target.protocol !== 'https:' && target.origin !== new URL(options.apiBase).origin)
    throw new JournalFileNotUnderstood(`the entry URL is not https (${target.protocol})`);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(target, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch {
    throw new JournalFileNotUnderstood('the file could not be fetched');
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new JournalFileNotUnderstood(`the file URL redirects (HTTP ${response.status})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new JournalFileNotUnderstood(`the file answered HTTP ${response.status}`);
  }
  const text = await readCapped(response);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new JournalFileNotUnderstood('the file is not JSON');
  }
  if (Array.isArray(body)) return { events: body, publishedAt: null };
  const parsed = envelope.safeParse(body);
  if (!parsed.success) throw new JournalFileNotUnderstood('the file is neither a journal envelope nor an array');
  const published = parsed.data.publishedAt === undefined ? null : new Date(parsed.data.publishedAt);
  return {
    events: parsed.data.journalEvents,
    publishedAt: published && !Number.isNaN(published.getTime()) ? published : null,
  };
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > JOURNAL_FILE_MAX_BYTES) {
    await response.body?.cancel();
    throw new JournalFileNotUnderstood(`the file is larger than ${JOURNAL_FILE_MAX_BYTES} bytes`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > JOURNAL_FILE_MAX_BYTES) {
        await reader.cancel();
        throw new JournalFileNotUnderstood(`the file is larger than ${JOURNAL_FILE_MAX_BYTES} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof JournalFileNotUnderstood) throw error;
    throw new JournalFileNotUnderstood('the file could not be read to its end');
  }
  return Buffer.concat(chunks).toString('utf8');
}
