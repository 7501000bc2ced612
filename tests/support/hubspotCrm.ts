import type http from 'node:http';

export type CrmContact = { id: string; email: string; dealIds: string[]; companyIds?: string[] };
/** A deal; `createdAt` defaults to a year ago, and a closed deal's `closedAt` to 200 days ago. */
export type CrmDeal = { id: string; closed: boolean; companyIds?: string[]; createdAt?: Date; closedAt?: Date };

const DAY = 24 * 3_600_000;

/**
 * HubSpot's date-versioned CRM endpoints the backend uses, with the shapes of HubSpot's 2026-03
 * reference ("Retrieve a batch of ... by ID (objectId) or unique property value (idProperty)":
 * POST /crm/objects/2026-03/{objectType}/batch/read → { status, results: [{ id, properties,
 * createdAt, updatedAt, archived }], startedAt, completedAt } and 207 with `errors`/`numErrors`
 * for inputs not found; "Batch read associations for objects to specific object type":
 * POST /crm/associations/2026-03/{fromObjectType}/{toObjectType}/batch/read → { results: [{ from:
 * { id }, to: [{ toObjectId: "<string>", associationTypes: [{ category, typeId, label }] }],
 * paging? }] }; GET /crm/objects/2026-03/{objectType}/{objectId} → the object, or 404). The legacy
 * /crm/v3 and /crm/v4 paths are refused (400), so a call left on them fails its test. `calls`
 * counts requests per path.
 */
export function hubspotCrm(data: {
  contacts: CrmContact[];
  deals: CrmDeal[];
  accessToken?: () => string | undefined;
  /** false: the portal did not grant the optional crm.objects.companies.read scope (403 on company reads). */
  companiesScope?: boolean;
}) {
  const calls: Record<string, number> = {};
  const now = () => new Date().toISOString();
  const contactById = new Map(data.contacts.map((c) => [c.id, { ...c, dealIds: [...c.dealIds] }]));
  const contactByEmail = () => new Map([...contactById.values()].map((c) => [c.email.toLowerCase(), c]));
  const dealById = new Map(data.deals.map((d) => [d.id, d]));
  const companies = new Set<string>([
    ...data.contacts.flatMap((c) => c.companyIds ?? []),
    ...data.deals.flatMap((d) => d.companyIds ?? []),
  ]);

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const batch = (res: http.ServerResponse, results: unknown[], missing: string[]) =>
    send(res, missing.length ? 207 : 200, {
      status: 'COMPLETE',
      results,
      ...(missing.length
        ? {
            numErrors: missing.length,
            errors: [
              {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message: 'Could not get some objects, they may be deleted or not exist.',
                context: { ids: missing },
              },
            ],
          }
        : {}),
      startedAt: now(),
      completedAt: now(),
    });
  const object = (id: string, properties: Record<string, string | null>) => ({
    id,
    properties: {
      ...properties,
      hs_object_id: id,
      createdate: properties.createdate ?? now(),
      lastmodifieddate: now(),
    },
    createdAt: properties.createdate ?? now(),
    updatedAt: now(),
    archived: false,
  });
  const contactObject = (c: CrmContact) => object(c.id, { email: c.email });
  const dealObject = (d: CrmDeal) => {
    const created = d.createdAt ?? new Date(Date.now() - 365 * DAY);
    return object(d.id, {
      createdate: created.toISOString(),
      hs_is_closed: String(d.closed),
      // An open deal's closedate is its expected close date, in the future.
      closedate: (d.closed
        ? (d.closedAt ?? new Date(Date.now() - 200 * DAY))
        : new Date(Date.now() + 30 * DAY)
      ).toISOString(),
    });
  };
  const notFound = (res: http.ServerResponse, id: string) =>
    send(res, 404, {
      status: 'error',
      message: 'Object not found.  objectId are usually numeric.',
      correlationId: '5a3f1b9e-2c4d-4e6f-8a1b-3c5d7e9f1a2b',
      context: { id: [id] },
      category: 'OBJECT_NOT_FOUND',
    });
  const missingScope = (res: http.ServerResponse) =>
    send(res, 403, {
      status: 'error',
      message: "This app hasn't been granted all required scopes to make this call.",
      correlationId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: ['crm.objects.companies.read'] },
        },
      ],
      category: 'MISSING_SCOPES',
    });
  const count = (key: string) => (calls[key] = (calls[key] ?? 0) + 1);
  // HubSpot-defined association type ids: contact→deal 4, contact→company 1 (primary), deal→company 5 (primary).
  const associationType = (from: string, to: string) =>
    from === 'contacts' && to === 'deals' ? 4 : from === 'contacts' ? 1 : 5;
  const associated = (from: string, to: string, id: string): string[] => {
    if (from === 'contacts' && to === 'deals') return contactById.get(id)?.dealIds ?? [];
    if (from === 'contacts' && to === 'companies') return contactById.get(id)?.companyIds ?? [];
    if (from === 'deals' && to === 'companies') return dealById.get(id)?.companyIds ?? [];
    return [];
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (/^\/crm\/v\d+\//.test(path)) {
      count('legacy');
      send(res, 400, {
        status: 'error',
        message: `legacy CRM path refused by the stand-in: ${path}`,
        category: 'VALIDATION_ERROR',
      });
      return true;
    }
    if (!path.startsWith('/crm/')) return false;
    const expected = data.accessToken?.();
    if (expected && req.headers.authorization !== `Bearer ${expected}`) {
      send(res, 401, {
        status: 'error',
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      });
      return true;
    }
    const single = /^\/crm\/objects\/2026-03\/(contacts|deals|companies)\/(\d+)$/.exec(path);
    if (req.method === 'GET' && single) {
      const [, type, id] = single as unknown as [string, string, string];
      count(`GET /crm/objects/2026-03/${type}/{id}`);
      if (type === 'companies' && data.companiesScope === false) return (missingScope(res), true);
      const contact = type === 'contacts' ? contactById.get(id) : undefined;
      const deal = type === 'deals' ? dealById.get(id) : undefined;
      if (contact) send(res, 200, contactObject(contact));
      else if (deal) send(res, 200, dealObject(deal));
      else if (type === 'companies' && companies.has(id)) send(res, 200, object(id, {}));
      else notFound(res, id);
      return true;
    }
    const objects = /^\/crm\/objects\/2026-03\/(contacts|deals)\/batch\/read$/.exec(path);
    const associations = /^\/crm\/associations\/2026-03\/(contacts|deals)\/(deals|companies)\/batch\/read$/.exec(path);
    if (req.method !== 'POST' || (!objects && !associations)) return false;
    count(path);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
      idProperty?: string;
      inputs: Array<{ id: string; after?: string }>;
    };
    if (body.inputs.length > 100) {
      send(res, 400, { status: 'error', message: 'Batch size exceeds 100', category: 'VALIDATION_ERROR' });
      return true;
    }
    if (objects?.[1] === 'contacts') {
      const byEmail = contactByEmail();
      const found = body.inputs.map((input) =>
        body.idProperty === 'email' ? byEmail.get(input.id.toLowerCase()) : contactById.get(input.id),
      );
      batch(
        res,
        found.filter((c): c is CrmContact => !!c).map(contactObject),
        body.inputs.filter((_, i) => !found[i]).map((input) => input.id),
      );
    } else if (objects) {
      const found = body.inputs.map((input) => dealById.get(input.id));
      batch(
        res,
        found.filter((d): d is CrmDeal => !!d).map(dealObject),
        body.inputs.filter((_, i) => !found[i]).map((input) => input.id),
      );
    } else {
      const [, from, to] = associations as unknown as [string, string, string];
      if (to === 'companies' && data.companiesScope === false) return (missingScope(res), true);
      const typeId = associationType(from, to);
      batch(
        res,
        body.inputs
          .map((input) => ({ id: input.id, to: associated(from, to, input.id) }))
          .filter((row) => row.to.length > 0)
          .map((row) => ({
            from: { id: row.id },
            to: row.to.map((id) => ({
              toObjectId: id,
              associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: typeId === 4 ? null : 'Primary' }],
            })),
          })),
        [],
      );
    }
    return true;
  }

  return {
    handle,
    calls,
    /** The contact or deal is deleted in HubSpot: reads of it answer 404 from now on. */
    remove(type: 'contacts' | 'deals' | 'companies', id: string) {
      if (type === 'contacts') contactById.delete(id);
      else if (type === 'deals') dealById.delete(id);
      else companies.delete(id);
    },
    /** A deal is created in HubSpot (or changes): its facts as the deal reads answer them. */
    putDeal(deal: CrmDeal) {
      dealById.set(deal.id, deal);
      for (const id of deal.companyIds ?? []) companies.add(id);
    },
    /** A contact is associated with a deal, or that association removed. */
    associate(contactId: string, dealId: string, associated = true) {
      const contact = contactById.get(contactId)!;
      contact.dealIds = contact.dealIds.filter((id) => id !== dealId);
      if (associated) contact.dealIds.push(dealId);
    },
    /** Contacts are merged in HubSpot: the survivor answers, the merged ones are gone. */
    merge(survivor: CrmContact, mergedIds: string[]) {
      for (const id of mergedIds) contactById.delete(id);
      contactById.set(survivor.id, { ...survivor, dealIds: [...survivor.dealIds] });
    },
  };
}
