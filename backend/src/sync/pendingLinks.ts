import type { Queryable } from '../db/database.ts';
import { linksForCall } from './dealWindow.ts';
import type { LinkCache } from './linkCache.ts';
import type { CrmLink, RecordLinker } from './ports.ts';

/** HubSpot's batch reads take at most 100 inputs: new emails are looked up this many at a time. */
export const LOOKUP_BATCH = 100;

/** Links of meetings stored earlier, and those meetings, which are then no longer pending. */
export type ReadyLinks = {
  links: Array<{ conversationId: string; email: string; link: CrmLink }>;
  conversationIds: string[];
};

const WRITE_LINKS = `
  WITH links AS (
    INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
    SELECT app_account_id(), l.conversation_id, l.object_type, l.object_id, l.source, l.email
      FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS l(conversation_id, object_type, object_id, source, email)
    ON CONFLICT (account_id, conversation_id, object_type, object_id) DO NOTHING
  )
  DELETE FROM conversation_links_pending WHERE account_id = app_account_id() AND conversation_id = ANY($6::uuid[])`;

const LEFT_PENDING = `
  SELECT lp.conversation_id AS id, c.started_at,
         coalesce(array_agg(DISTINCT p.email) FILTER (WHERE p.email IS NOT NULL), '{}') AS emails
    FROM conversation_links_pending lp
    JOIN conversations c ON c.account_id = lp.account_id AND c.id = lp.conversation_id
    LEFT JOIN conversation_participants p
      ON p.account_id = lp.account_id AND p.conversation_id = lp.conversation_id AND p.is_external
   WHERE lp.account_id = app_account_id()
   GROUP BY lp.conversation_id, c.started_at`;

/** Writes the links of meetings stored earlier and clears their pending mark, in one statement. */
export async function writeReadyLinks(tx: Queryable, ready: ReadyLinks): Promise<void> {
  const { links, conversationIds } = ready;
  await tx.query(WRITE_LINKS, [
    links.map((l) => l.conversationId),
    links.map((l) => l.link.objectType),
    links.map((l) => l.link.objectId),
    links.map((l) => l.link.source),
    links.map((l) => l.email),
    conversationIds,
  ]);
}

/** Meetings of the current tenant a run stored but did not get to link (it died first), with their external emails. */
export async function pendingInDatabase(
  tx: Queryable,
): Promise<Array<{ id: string; emails: string[]; started_at: Date }>> {
  return (await tx.query<{ id: string; emails: string[]; started_at: Date }>(LEFT_PENDING)).rows;
}

/**
 * The meetings of a run stored without the links of some of their external emails. Their emails
 * are looked up in HubSpot `LOOKUP_BATCH` at a time, across pages, through `lookup`, which
 * remembers every answer in `known`; a meeting is ready once all its emails are known.
 */
export class PendingLinks {
  readonly #emailsOf = new Map<string, string[]>();
  readonly #startedAt = new Map<string, Date>();
  readonly #lookup: RecordLinker;
  readonly #known: LinkCache;
  constructor(lookup: RecordLinker, known: LinkCache) {
    this.#lookup = lookup;
    this.#known = known;
  }

  add(conversationId: string, emails: readonly string[], startedAt: Date): void {
    this.#startedAt.set(conversationId, startedAt);
    this.#emailsOf.set(conversationId, [...new Set([...(this.#emailsOf.get(conversationId) ?? []), ...emails])]);
  }

  get meetings(): number {
    return this.#emailsOf.size;
  }

  /** Emails of pending meetings not looked up yet. */
  notLookedUp(): string[] {
    const emails = new Set<string>();
    for (const list of this.#emailsOf.values())
      for (const email of list) if (!this.#known.get(email)) emails.add(email);
    return [...emails];
  }

  /** Looks up every email of the pending meetings not looked up yet, and `more`. */
  async lookUp(more: Iterable<string> = []): Promise<void> {
    const ask = [...new Set([...this.notLookedUp(), ...[...more].filter((email) => !this.#known.get(email))])];
    if (ask.length) await this.#lookup.linksForEmails(ask);
  }

  /**
   * Looks up at most `limit` of the emails not looked up yet (all of them without a limit), then
   * hands over the links of every meeting whose emails are all known and forgets those meetings.
   */
  async take(limit = Number.POSITIVE_INFINITY): Promise<ReadyLinks> {
    const ask = this.notLookedUp().slice(0, limit);
    if (ask.length) await this.#lookup.linksForEmails(ask);
    const ready: ReadyLinks = { links: [], conversationIds: [] };
    for (const [conversationId, emails] of this.#emailsOf) {
      const answers = emails.map((email) => this.#known.get(email));
      if (answers.some((answer) => !answer)) continue;
      ready.conversationIds.push(conversationId);
      const startedAt = this.#startedAt.get(conversationId)!;
      emails.forEach((email, i) => {
        for (const link of linksForCall(answers[i]!, startedAt)) ready.links.push({ conversationId, email, link });
      });
    }
    return ready;
  }

  /** Forgets meetings whose links were written. */
  done(ready: ReadyLinks): void {
    for (const id of ready.conversationIds) {
      this.#emailsOf.delete(id);
      this.#startedAt.delete(id);
    }
  }
}
