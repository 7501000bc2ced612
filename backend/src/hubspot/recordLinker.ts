import type { Client } from '@hubspot/api-client';
import type { CrmLink, DealFacts, RecordLinker } from '../sync/ports.ts';
import { readAssociations, readObjects, type CrmObject } from './crmApi.ts';

// HubSpot batch endpoints take at most 100 inputs per call.
const BATCH = 100;

const chunks = <T>(items: T[], size = BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

// A portal that did not grant the optional companies scope answers 403 (MISSING_SCOPES).
const isMissingScope = (error: unknown) => (error as { code?: number })?.code === 403;

/** The deal properties that say when it was open: created, closed (hs_is_closed) and when (closedate). */
export const DEAL_PROPERTIES = ['createdate', 'hs_is_closed', 'closedate'];

/** When a deal was open, from its properties. A closed deal without a close date counts as closed long ago. */
export function dealFacts(deal: CrmObject): DealFacts {
  const created = Date.parse(deal.properties.createdate ?? '');
  const closed = deal.properties.hs_is_closed === 'true';
  const closedAt = Date.parse(deal.properties.closedate ?? '');
  return {
    createdAt: Number.isNaN(created) ? 0 : created,
    closedAt: closed ? (Number.isNaN(closedAt) ? 0 : closedAt) : null,
  };
}

/**
 * Finds HubSpot contacts by email, their deals and their companies, in batches, on HubSpot's
 * date-versioned CRM API: per 100 emails one contact batch read (by the email property), two
 * association batch reads from the contacts (deals, companies), one deal batch read (when each
 * deal was open), and one association batch read from the deals to their companies — never one
 * call per participant. Which deals a call gets depends on the call's time (sync/dealWindow.ts), so
 * each deal link, and each company reached through a deal, carries the deal's facts. A company's
 * card shows the calls of its contacts and of its deals through these links (a deal's company
 * need not be its contact's: a consultant on the call works elsewhere). Without the optional
 * companies scope, companies are left out (asked once per linker).
 */
export function hubspotRecordLinker(client: Client, options: { onCall?: () => void } = {}): RecordLinker {
  const counted = async <T>(call: () => Promise<T>) => {
    options.onCall?.();
    return call();
  };
  let companiesGranted = true;
  const companiesOf = async (from: 'contacts' | 'deals', ids: string[]): Promise<Map<string, string[]>> => {
    const byRecord = new Map<string, string[]>();
    for (const group of chunks(ids)) {
      if (!companiesGranted) break;
      try {
        for (const [id, companies] of await counted(() => readAssociations(client, from, 'companies', group)))
          byRecord.set(id, companies);
      } catch (error) {
        if (!isMissingScope(error)) throw error;
        companiesGranted = false;
      }
    }
    return byRecord;
  };
  return {
    async linksForEmails(emails) {
      const links = new Map<string, CrmLink[]>();
      for (const group of chunks([...new Set(emails.map((e) => e.toLowerCase()))])) {
        const contacts = await counted(() =>
          readObjects(client, 'contacts', group, { idProperty: 'email', properties: ['email'] }),
        );
        const contactIdByEmail = new Map<string, string>();
        for (const contact of contacts) {
          const email = contact.properties.email?.toLowerCase();
          if (email) contactIdByEmail.set(email, contact.id);
        }
        if (contactIdByEmail.size === 0) continue;

        const dealIdsByContact = await counted(() =>
          readAssociations(client, 'contacts', 'deals', [...contactIdByEmail.values()]),
        );
        const factsOf = new Map<string, DealFacts>();
        for (const dealGroup of chunks([...new Set([...dealIdsByContact.values()].flat())])) {
          const deals = await counted(() => readObjects(client, 'deals', dealGroup, { properties: DEAL_PROPERTIES }));
          for (const deal of deals) factsOf.set(deal.id, dealFacts(deal));
        }

        const companyIdsByContact = await companiesOf('contacts', [...contactIdByEmail.values()]);
        const companyIdsByDeal = await companiesOf('deals', [...factsOf.keys()]);

        for (const [email, contactId] of contactIdByEmail) {
          const contactDeals = (dealIdsByContact.get(contactId) ?? []).filter((id) => factsOf.has(id));
          links.set(email, [
            { objectType: 'contacts', objectId: Number(contactId), source: 'email' },
            ...contactDeals.map((id) => ({
              objectType: 'deals' as const,
              objectId: Number(id),
              source: 'association' as const,
              deal: factsOf.get(id)!,
            })),
            ...[...new Set(companyIdsByContact.get(contactId) ?? [])].map((id) => ({
              objectType: 'companies' as const,
              objectId: Number(id),
              source: 'association' as const,
            })),
            ...contactDeals.flatMap((dealId) =>
              (companyIdsByDeal.get(dealId) ?? []).map((id) => ({
                objectType: 'companies' as const,
                objectId: Number(id),
                source: 'association' as const,
                deal: factsOf.get(dealId)!,
              })),
            ),
          ]);
        }
      }
      return links;
    },
  };
}
