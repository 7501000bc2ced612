import type { Database, Queryable } from './database.ts';

export type TenantContext = {
  accountId: string;
  /** The acting user (users.id); role-private policies need it. Omit for tenant-wide backend work. */
  userId?: string | null;
};

// SET LOCAL semantics (set_config's third argument true): the role and the tenant end with the
// transaction, so nothing carries over to the next user of a pooled connection.
const ENTER_TENANT = `
  SELECT set_config('role', 'fathom_app_tenant', true),
         set_config('app.account_id', $1, true),
         set_config('app.user_id', $2, true)`;

const ENTER_SYSTEM = `
  SELECT set_config('role', 'fathom_app_system', true),
         set_config('app.account_id', '', true),
         set_config('app.user_id', '', true)`;

/** The one way to run work as a tenant: row level security sees only this account's rows. */
export function withTenant<T>(db: Database, ctx: TenantContext, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(ENTER_TENANT, [ctx.accountId, ctx.userId ?? '']);
    return fn(tx);
  });
}

/**
 * Narrows an open withSystem transaction to one tenant for the rest of it, for work that must
 * create an account and then act as it atomically (the install). There is no way back to system.
 */
export async function narrowToTenant(tx: Queryable, ctx: TenantContext): Promise<void> {
  await tx.query(ENTER_TENANT, [ctx.accountId, ctx.userId ?? '']);
}

/**
 * Backend work that spans tenants or precedes one (install, routing a webhook to its account,
 * scheduling syncs, purging). Never used to serve a request made on behalf of a HubSpot user.
 */
export function withSystem<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(ENTER_SYSTEM);
    return fn(tx);
  });
}
