import type { Client } from '@hubspot/api-client';
import type { CrmLink, RecordLinker } from '../sync/ports.ts';

// HubSpot batch endpoints take at most 100 inputs per call.
const BATCH = 100;

const chunks = <T>(items: T[], size = BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Finds HubSpot contacts by email and their open deals, in batches: per 100 emails one contact
 * batch read (by the email property), one association batch read and one deal batch read —
 * never one call per participant. `client` is the account's @hubspot/api-client instance.
 */
export function hubspotRecordLinker(client: Client, options: { onCall?: () => void } = {}): RecordLinker {
  const counted = async <T>(call: () => Promise<T>) => {
    options.onCall?.();
    return call();
  };
  return {
    async linksForEmails(emails) {
      const links = new Map<string, CrmLink[]>();
      for (const group of chunks([...new Set(emails.map((e) => e.toLowerCase()))])) {
        const contacts = await counted(() =>
          client.crm.contacts.batchApi.read({
            idProperty: 'email',
            inputs: group.map((email) => ({ id: email })),
            properties: ['email'],
            propertiesWithHistory: [],
          }),
        );
        const contactIdByEmail = new Map<string, string>();
        for (const contact of contacts.results) {
          const email = contact.properties.email?.toLowerCase();
          if (email) contactIdByEmail.set(email, contact.id);
        }
        if (contactIdByEmail.size === 0) continue;

        const associations = await counted(() =>
          client.crm.associations.v4.batchApi.getPage('contacts', 'deals', {
            inputs: [...contactIdByEmail.values()].map((id) => ({ id })),
          }),
        );
        const dealIdsByContact = new Map<string, string[]>();
        for (const row of associations.results) {
          dealIdsByContact.set(row._from.id, row.to.map((to) => String(to.toObjectId)));
        }
        const dealIds = [...new Set([...dealIdsByContact.values()].flat())];
        const openDeals = new Set<string>();
        for (const dealGroup of chunks(dealIds)) {
          const deals = await counted(() =>
            client.crm.deals.batchApi.read({
              inputs: dealGroup.map((id) => ({ id })),
              properties: ['hs_is_closed'],
              propertiesWithHistory: [],
            }),
          );
          for (const deal of deals.results) if (deal.properties.hs_is_closed !== 'true') openDeals.add(deal.id);
        }

        for (const [email, contactId] of contactIdByEmail) {
          links.set(email, [
            { objectType: 'contacts', objectId: Number(contactId), source: 'email' },
            ...(dealIdsByContact.get(contactId) ?? [])
              .filter((id) => openDeals.has(id))
              .map((id) => ({ objectType: 'deals' as const, objectId: Number(id), source: 'association' as const })),
          ]);
        }
      }
      return links;
    },
  };
}
