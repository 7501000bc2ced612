import type { CrmLink, RecordLinker } from './ports.ts';

/**
 * What each email linked to (its contact and open deals, or nothing), remembered for a while:
 * a run meets the same customers on page after page, and the next run a few minutes later meets
 * them again. Bounded: the oldest entries go first when it is full.
 */
export class LinkCache {
  readonly #entries = new Map<string, { links: CrmLink[]; at: number }>();
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
  constructor(ttlMs: number, maxEntries = 10_000, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
    this.now = now;
  }

  get(email: string): CrmLink[] | undefined {
    const entry = this.#entries.get(email);
    if (!entry) return undefined;
    if (this.now() - entry.at < this.ttlMs) return entry.links;
    this.#entries.delete(email);
    return undefined;
  }

  set(email: string, links: CrmLink[]): void {
    this.#entries.delete(email);
    this.#entries.set(email, { links, at: this.now() });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

/** How long an account's lookups are reused by its next runs: a contact created meanwhile links within this. */
export const ACCOUNT_LINK_TTL_MS = 10 * 60_000;
const accountCaches = new Map<string, LinkCache>();

/** The process's short-lived cache of one account's lookups. */
export function linkCacheFor(accountId: string): LinkCache {
  let cache = accountCaches.get(accountId);
  if (!cache) {
    // Accounts come and go; keep the map from growing without bound in a long-lived worker.
    if (accountCaches.size >= 1_000) accountCaches.delete(accountCaches.keys().next().value!);
    accountCaches.set(accountId, (cache = new LinkCache(ACCOUNT_LINK_TTL_MS, 5_000)));
  }
  return cache;
}

/** A linker that asks `inner` only about emails `cache` does not know yet, and remembers the answers. */
export function rememberingLinker(inner: RecordLinker, cache: LinkCache): RecordLinker {
  return {
    async linksForEmails(emails) {
      const links = new Map<string, CrmLink[]>();
      const unknown: string[] = [];
      for (const email of new Set(emails.map((e) => e.toLowerCase()))) {
        const known = cache.get(email);
        if (known) links.set(email, known);
        else unknown.push(email);
      }
      if (unknown.length) {
        const found = await inner.linksForEmails(unknown);
        for (const email of unknown) {
          const result = found.get(email) ?? [];
          cache.set(email, result);
          links.set(email, result);
        }
      }
      return links;
    },
  };
}
