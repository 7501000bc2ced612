import type http from 'node:http';

export type CrmContact = { id: string; email: string; dealIds: string[]; companyIds?: string[] };
export type CrmDeal = { id: string; closed: boolean; companyIds?: string[] };

/**
 * HubSpot's CRM batch endpoints used by the record linker, with HubSpot's response shapes
 * (a 207 with `errors` for inputs that were not found). `calls` counts requests per path.
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
  const contactByEmail = new Map(data.contacts.map((c) => [c.email.toLowerCase(), c]));
  const contactById = new Map(data.contacts.map((c) => [c.id, c]));
  const dealById = new Map(data.deals.map((d) => [d.id, d]));

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

  /** HubSpot's single-object read: the object, or its 404 once deleted (GET /crm/v3/objects/{type}/{id}). */
  function readOne(res: http.ServerResponse, type: 'contacts' | 'deals', id: string) {
    calls[`GET /crm/v3/objects/${type}/{id}`] = (calls[`GET /crm/v3/objects/${type}/{id}`] ?? 0) + 1;
    const found = type === 'contacts' ? contactById.get(id) : dealById.get(id);
    if (!found) {
      return send(res, 404, {
        status: 'error',
        message: 'Object not found.  objectId are usually numeric.',
        correlationId: '5a3f1b9e-2c4d-4e6f-8a1b-3c5d7e9f1a2b',
        context: { id: [id] },
        category: 'OBJECT_NOT_FOUND',
      });
    }
    const properties =
      type === 'contacts'
        ? { email: (found as CrmContact).email, hs_object_id: id, createdate: now(), lastmodifieddate: now() }
        : {
            hs_is_closed: String((found as CrmDeal).closed),
            hs_object_id: id,
            createdate: now(),
            hs_lastmodifieddate: now(),
          };
    send(res, 200, { id, properties, createdAt: now(), updatedAt: now(), archived: false });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const single = /^\/crm\/v3\/objects\/(contacts|deals)\/(\d+)$/.exec(path);
    if (req.method === 'GET' && single) {
      const expected = data.accessToken?.();
      if (expected && req.headers.authorization !== `Bearer ${expected}`) {
        send(res, 401, {
          status: 'error',
          message: 'Authentication credentials not found.',
          category: 'INVALID_AUTHENTICATION',
        });
        return true;
      }
      readOne(res, single[1] as 'contacts' | 'deals', single[2]!);
      return true;
    }
    const known = [
      '/crm/v3/objects/contacts/batch/read',
      '/crm/v4/associations/contacts/deals/batch/read',
      '/crm/v4/associations/contacts/companies/batch/read',
      '/crm/v4/associations/deals/companies/batch/read',
      '/crm/v3/objects/deals/batch/read',
    ];
    if (req.method !== 'POST' || !known.includes(path)) return false;
    calls[path] = (calls[path] ?? 0) + 1;
    const expected = data.accessToken?.();
    if (expected && req.headers.authorization !== `Bearer ${expected}`) {
      send(res, 401, {
        status: 'error',
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      });
      return true;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
      idProperty?: string;
      inputs: Array<{ id: string }>;
    };
    if (body.inputs.length > 100) {
      send(res, 400, { status: 'error', message: 'Batch size exceeds 100', category: 'VALIDATION_ERROR' });
      return true;
    }
    if (path.endsWith('contacts/batch/read')) {
      const found = body.inputs.map((input) =>
        body.idProperty === 'email' ? contactByEmail.get(input.id.toLowerCase()) : contactById.get(input.id),
      );
      batch(
        res,
        found
          .filter((c): c is CrmContact => !!c)
          .map((c) => ({
            id: c.id,
            properties: { email: c.email, hs_object_id: c.id, createdate: now(), lastmodifieddate: now() },
            createdAt: now(),
            updatedAt: now(),
            archived: false,
          })),
        body.inputs.filter((_, i) => !found[i]).map((input) => input.id),
      );
    } else if (path.endsWith('/companies/batch/read')) {
      if (data.companiesScope === false) {
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
        return true;
      }
      // Contact→company (type 1, primary) or deal→company (type 5, primary), as HubSpot labels them.
      const fromDeals = path.includes('/deals/companies/');
      const rows = body.inputs
        .map((input) => (fromDeals ? dealById.get(input.id) : contactById.get(input.id)))
        .filter((r): r is CrmContact | CrmDeal => !!r && (r.companyIds?.length ?? 0) > 0);
      batch(
        res,
        rows.map((r) => ({
          from: { id: r.id },
          to: r.companyIds!.map((id) => ({
            toObjectId: Number(id),
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: fromDeals ? 5 : 1, label: 'Primary' }],
          })),
        })),
        [],
      );
    } else if (path.endsWith('associations/contacts/deals/batch/read')) {
      const rows = body.inputs
        .map((input) => contactById.get(input.id))
        .filter((c): c is CrmContact => !!c && c.dealIds.length > 0);
      batch(
        res,
        rows.map((c) => ({
          from: { id: c.id },
          to: c.dealIds.map((id) => ({
            toObjectId: Number(id),
            associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }],
          })),
        })),
        [],
      );
    } else {
      const found = body.inputs.map((input) => dealById.get(input.id));
      batch(
        res,
        found
          .filter((d): d is CrmDeal => !!d)
          .map((d) => ({
            id: d.id,
            properties: { hs_is_closed: String(d.closed), hs_object_id: d.id },
            createdAt: now(),
            updatedAt: now(),
            archived: false,
          })),
        body.inputs.filter((_, i) => !found[i]).map((input) => input.id),
      );
    }
    return true;
  }

  return {
    handle,
    calls,
    /** The contact or deal is deleted in HubSpot: reads of it answer 404 from now on. */
    remove(type: 'contacts' | 'deals', id: string) {
      if (type === 'contacts') {
        const contact = contactById.get(id);
        contactById.delete(id);
        if (contact) contactByEmail.delete(contact.email.toLowerCase());
      } else dealById.delete(id);
    },
  };
}
