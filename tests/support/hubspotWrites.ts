import type http from 'node:http';

type ObjectType = 'contacts' | 'deals' | 'companies';
type Property = { name: string; label: string; type: string; fieldType: string; groupName: string };

/**
 * The writes of HubSpot's 2026-03 CRM API the write-back uses, with the shapes of HubSpot's
 * reference:
 * - "Create a property group": POST /crm/properties/2026-03/{objectType}/groups `{ name, label,
 *   displayOrder }` → 201 the group; a name taken → 409 (category OBJECT_ALREADY_EXISTS).
 * - "Create a batch of properties": POST /crm/properties/2026-03/{objectType}/batch/create
 *   `{ inputs: [{ groupName, label, name, type, fieldType, … }] }` → 201 `{ status, results:
 *   [property], startedAt, completedAt }`, or 207 with `numErrors` and `errors: [{ status,
 *   category, message, context }]` for the inputs refused (here: a name that exists).
 * - "Archive a batch of properties": POST …/batch/archive `{ inputs: [{ name }] }` → 204 "regardless
 *   of the initial state of the property (e.g. active, already archived, non-existent)".
 * - "Archive a property group": DELETE …/groups/{groupName} → 204.
 * - "Update a batch of …": POST /crm/objects/2026-03/{objectType}/batch/update `{ inputs: [{ id,
 *   properties }] }` → 200 `{ status: "COMPLETE", results: [{ id, properties, createdAt, updatedAt,
 *   archived }], startedAt, completedAt }`; when some inputs fail, 207 Multi-Status with
 *   `numErrors` and `errors: [{ status, category, message, context, … }]` (HubSpot's changelog
 *   "Simplifying batch update response codes": "a 200 when batch updates are fully successful or a
 *   207 Multi-Status response when one or more of the batch operations fails").
 * Each needs the scope HubSpot's reference names (crm.schemas.{type}.write for properties,
 * crm.objects.{type}.write for records): without it, 403 MISSING_SCOPES.
 */
export function hubspotWrites(scopesOf: (token: string) => string[] | undefined) {
  const groups: Record<ObjectType, Set<string>> = { contacts: new Set(), deals: new Set(), companies: new Set() };
  const properties: Record<ObjectType, Map<string, Property>> = {
    contacts: new Map(),
    deals: new Map(),
    companies: new Map(),
  };
  /** Every record's property values as written, by `${type}:${id}`. */
  const records = new Map<string, Record<string, string>>();
  /** Record ids HubSpot refuses to write (deleted meanwhile, or a validation rule), by `${type}:${id}`. */
  const refuse = new Set<string>();
  /** Every batch update as it arrived: its type and the inputs' ids. */
  const updates: Array<{ type: ObjectType; ids: string[] }> = [];
  /** 429s still to answer to the next batch updates, each with its Retry-After value. */
  const tooMany: string[] = [];

  const send = (res: http.ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const now = () => new Date().toISOString();
  const missingScope = (res: http.ServerResponse, scope: string) =>
    send(res, 403, {
      status: 'error',
      message: "This app hasn't been granted all required scopes to make this call.",
      correlationId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      errors: [
        { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } },
      ],
      category: 'MISSING_SCOPES',
    });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const property =
      /^\/crm\/properties\/2026-03\/(contacts|deals|companies)\/(groups|batch\/create|batch\/archive|groups\/[a-z_]+)$/.exec(
        path,
      );
    const update = /^\/crm\/objects\/2026-03\/(contacts|deals|companies)\/batch\/update$/.exec(path);
    if (!property && !update) return false;
    const type = (property ?? update)![1] as ObjectType;
    const scopes = scopesOf((req.headers.authorization ?? '').replace('Bearer ', '')) ?? [];
    const needed = property ? `crm.schemas.${type}.write` : `crm.objects.${type}.write`;
    if (!scopes.includes(needed)) return (missingScope(res, needed), true);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
    const inputs = (body.inputs ?? []) as Array<Record<string, unknown>>;
    if (inputs.length > 100) {
      send(res, 400, { status: 'error', message: 'Batch size exceeds 100', category: 'VALIDATION_ERROR' });
      return true;
    }
    const action = property?.[2];
    if (action === 'groups' && req.method === 'POST') {
      const name = String(body.name);
      if (groups[type].has(name))
        return (
          send(res, 409, {
            status: 'error',
            message: `A group named ${name} already exists.`,
            category: 'OBJECT_ALREADY_EXISTS',
          }),
          true
        );
      groups[type].add(name);
      return (send(res, 201, { name, label: body.label, displayOrder: body.displayOrder, archived: false }), true);
    }
    if (action?.startsWith('groups/') && req.method === 'DELETE') {
      groups[type].delete(action.slice('groups/'.length));
      return (send(res, 204), true);
    }
    if (action === 'batch/archive') {
      for (const input of inputs) properties[type].delete(String(input.name));
      return (send(res, 204), true);
    }
    if (action === 'batch/create') {
      const created: Property[] = [];
      const existing: string[] = [];
      for (const input of inputs as unknown as Property[]) {
        if (properties[type].has(input.name)) existing.push(input.name);
        else if (!groups[type].has(input.groupName))
          return (
            send(res, 400, {
              status: 'error',
              message: `group ${input.groupName} does not exist`,
              category: 'VALIDATION_ERROR',
            }),
            true
          );
        else created.push(input);
      }
      for (const input of created) properties[type].set(input.name, input);
      send(res, existing.length ? 207 : 201, {
        status: 'COMPLETE',
        results: created,
        ...(existing.length
          ? {
              numErrors: existing.length,
              errors: existing.map((name) => ({
                status: 'error',
                category: 'OBJECT_ALREADY_EXISTS',
                message: `Property named '${name}' already exists.`,
                context: { name: [name] },
              })),
            }
          : {}),
        startedAt: now(),
        completedAt: now(),
      });
      return true;
    }
    // batch/update: every property written must exist on the type.
    const ids = inputs.map((input) => String(input.id));
    updates.push({ type, ids });
    const retryAfter = tooMany.shift();
    if (retryAfter !== undefined) {
      // HubSpot's error handling docs: past the rolling limit, 429 with `Retry-After` and the body
      // `{ status, message, errorType: "RATE_LIMIT", correlationId, policyName }`; nothing written.
      res.setHeader('Retry-After', retryAfter);
      send(res, 429, {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId: 'c033cdaa-2c40-4a64-ae48-b4cec88dad24',
        policyName: 'TEN_SECONDLY_ROLLING',
      });
      return true;
    }
    const unknown = inputs.flatMap((input) =>
      Object.keys(input.properties as object).filter((name) => !properties[type].has(name)),
    );
    if (unknown.length)
      return (
        send(res, 400, {
          status: 'error',
          message: `Property values were not valid: ${unknown[0]} does not exist`,
          category: 'VALIDATION_ERROR',
        }),
        true
      );
    const refused = ids.filter((id) => refuse.has(`${type}:${id}`));
    const results = inputs
      .filter((input) => !refused.includes(String(input.id)))
      .map((input) => {
        const key = `${type}:${String(input.id)}`;
        const values = { ...records.get(key), ...(input.properties as Record<string, string>) };
        records.set(key, values);
        return { id: String(input.id), properties: values, createdAt: now(), updatedAt: now(), archived: false };
      });
    send(res, refused.length ? 207 : 200, {
      status: 'COMPLETE',
      results,
      ...(refused.length
        ? {
            numErrors: refused.length,
            errors: [
              {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message: 'Could not update some objects, they may be deleted or not exist.',
                context: { ids: refused },
              },
            ],
          }
        : {}),
      startedAt: now(),
      completedAt: now(),
    });
    return true;
  }

  return {
    handle,
    groups,
    properties,
    updates,
    refuse,
    /** Answer the next `n` batch updates 429 with this `Retry-After` (seconds or an HTTP date). */
    rateLimitNext: (n: number, retryAfter: string) => tooMany.push(...Array<string>(n).fill(retryAfter)),
    /** The values written to one record (undefined: never written). */
    record: (type: ObjectType, id: string | number) => records.get(`${type}:${id}`),
  };
}
