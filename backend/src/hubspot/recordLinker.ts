import type { Client } from '@hubspot/api-client';
import type { CrmLink, RecordLinker } from '../sync/ports.ts';

// HubSpot batch endpoints take at most 100 inputs per call.
const BATCH = 100;

const chunks = <T>(items: T[], size = BATCH): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

// A portal that did not grant the optional companies scope answers 403 (MISSING_SCOPES).
const isMissingScope = (error: unknown) => (error as { code?: number })?.code === 403;

/**
 * Finds HubSpot contacts by email, their open deals and their companies, in batches: per 100
 * emails one contact batch read (by the email property), two association batch reads from the
 * contacts (deals, companies), one deal batch read, and one association batch read from the open
 * deals to their companies — never one call per participant. A company's card shows the calls of
 * its contacts and of its deals through these links (a deal's company need not be its contact's:
 * a consultant on the call works elsewhere), each company once per call. Without the optional
 * companies scope, companies are left out (asked once per linker). `client` is the account's
 * @hubspot/api-client instance.
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
        const rows = await counted(() =>
          client.crm.associations.v4.batchApi.getPage(from, 'companies', {
            inputs: group.map((id) => ({ id })),
          }),
        );
        for (const row of rows.results)
          byRecord.set(
            row._from.id,
            row.to.map((to) => String(to.toObjectId)),
          );
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
          dealIdsByContact.set(
            row._from.id,
            row.to.map((to) => String(to.toObjectId)),
          );
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

        const companyIdsByContact = await companiesOf('contacts', [...contactIdByEmail.values()]);
        const companyIdsByDeal = await companiesOf('deals', [...openDeals]);

        for (const [email, contactId] of contactIdByEmail) {
          const contactDeals = (dealIdsByContact.get(contactId) ?? []).filter((id) => openDeals.has(id));
          const companies = new Set([
            ...(companyIdsByContact.get(contactId) ?? []),
            ...contactDeals.flatMap((id) => companyIdsByDeal.get(id) ?? []),
          ]);
          links.set(email, [
            { objectType: 'contacts', objectId: Number(contactId), source: 'email' },
            ...contactDeals.map((id) => ({
              objectType: 'deals' as const,
              objectId: Number(id),
              source: 'association' as const,
            })),
            ...[...companies].map((id) => ({
              objectType: 'companies' as const,
              objectId: Number(id),
              source: 'association' as const,
            })),
          ]);
        }
      }
      return links;
    },
  };
}
