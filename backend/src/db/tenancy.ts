import type { Database, Queryable } from './database.ts';
import { Conflict, Forbidden, NotInstalled } from '../errors.ts';

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

/** Who a signed request says is calling: HubSpot's portal, user id and email (lower case). */
export type CallerIdentity = { hubId: number; hubspotUserId: number; email: string };

/** The tenant and user withCaller entered, with the user's role read in that same transaction. */
export type EnteredCaller = { accountId: string; userId: string; role: 'admin' | 'manager' | 'rep' };

/** The caller's email belongs to another HubSpot user of the portal (whose id this carries). */
export class EmailTakenByAnotherUser extends Error {
  override name = 'EmailTakenByAnotherUser';
  readonly otherHubspotUserId: number | null;
  constructor(otherHubspotUserId: number | null) {
    super('another HubSpot user of this portal has this email');
    this.otherHubspotUserId = otherHubspotUserId;
  }
}

// app_enter_caller (db/functions/app_enter_caller.sql) finds the account by hub id and the user by HubSpot id,
// creates a user seen for the first time (app_upsert_user), checks the role, then sets the tenant
// role, account and user as ENTER_TENANT does, and for a read makes the transaction read-only: one
// statement, one round trip.
const ENTER_CALLER = `SELECT caller_account_id, caller_user_id, caller_role FROM app_enter_caller($1, $2, $3, $4, $5)`;

type EnteredRow = { caller_account_id: string; caller_user_id: string; caller_role: EnteredCaller['role'] };

/** app_enter_caller's refusals (raised with SQLSTATEs of ours) as the errors the API answers. */
function refusalOf(error: unknown, forbiddenMessage: string | undefined): unknown {
  const { code, detail } = error as { code?: string; detail?: string };
  if (code === 'FA404') return new NotInstalled();
  if (code === 'FA403') return new Forbidden(forbiddenMessage ?? 'Your role in this portal does not allow this.');
  if (code === 'FA409') return new EmailTakenByAnotherUser(detail ? Number(detail) : null);
  return error;
}

/**
 * A write the row policies refused although the domain's own checks, a statement earlier in the
 * same transaction, allowed it: a role or a manager changed in between (another request committed
 * it; READ COMMITTED gives each statement a fresh snapshot). The policies are the last word, so the
 * write did not happen; the caller is told to reload, not that we failed.
 */
function policyRefusalOf(error: unknown): unknown {
  const { code, routine, message } = error as { code?: string; routine?: string; message?: string };
  if (code !== '42501' || routine !== 'ExecWithCheckOptions') return error;
  return new Conflict(
    'Your access in this portal changed while this request ran (a role or a manager was changed). Reload and try again.',
    { refusedBy: message },
  );
}

/**
 * Runs fn as the tenant and user behind a verified HubSpot signature, in ONE transaction with the
 * lookup of that caller: a role changed a moment ago applies here, in every process, and a read
 * (readOnly) can write nothing. An unknown or uninstalled portal is NotInstalled; a caller whose
 * role is not requireRole is Forbidden (forbiddenMessage); an email another HubSpot user of the
 * portal has is EmailTakenByAnotherUser; a write the row policies refuse is Conflict (policyRefusalOf).
 */
export function withCaller<T>(
  db: Database,
  identity: CallerIdentity,
  options: { readOnly: boolean; requireRole?: EnteredCaller['role']; forbiddenMessage?: string },
  fn: (tx: Queryable, caller: EnteredCaller) => Promise<T>,
): Promise<T> {
  return db.transaction(
    async (tx) => {
      let entered: EnteredRow;
      try {
        entered = (
          await tx.query<EnteredRow>(ENTER_CALLER, [
            identity.hubId,
            identity.hubspotUserId,
            identity.email,
            options.readOnly,
            options.requireRole ?? null,
          ])
        ).rows[0]!;
      } catch (error) {
        throw refusalOf(error, options.forbiddenMessage);
      }
      try {
        return await fn(tx, {
          accountId: entered.caller_account_id,
          userId: entered.caller_user_id,
          role: entered.caller_role,
        });
      } catch (error) {
        throw policyRefusalOf(error);
      }
    },
    { prepared: options.readOnly },
  );
}

/**
 * What a caller reads in one statement with readAsCaller: a card_* SQL function of db/functions,
 * which app_read_as_caller calls once it has entered the caller (the same lookups, refusals and
 * read-only transaction as withCaller), as that tenant under row level security.
 */
export type OneStatementRead = {
  /** The card_* function to read. */
  read: string;
  /** Every column the function returns, in order, with its type ("id uuid, title text, …"). */
  columns: string;
  /** The function's arguments, in order. */
  params: readonly unknown[];
};

export type FathomStatus = 'active' | 'needs_reauth' | 'revoked' | 'error' | null;

/**
 * A read as the caller behind a verified HubSpot signature in ONE round trip: no BEGIN, no
 * COMMIT, one prepared statement whose implicit transaction is the whole request's, read-only
 * from the moment the caller is entered. The role is read in that statement (a change applies on
 * the next request, in every process). Refusals as in withCaller.
 */
export async function readAsCaller<R>(
  db: Database,
  identity: CallerIdentity,
  read: OneStatementRead,
): Promise<{ caller: EnteredCaller; fathomStatus: FathomStatus; rows: R[] }> {
  const sql =
    'SELECT * FROM app_read_as_caller($1, $2, $3, $4, $5) AS r(caller_account_id uuid, caller_user_id uuid, ' +
    `caller_role text, caller_fathom_status text, ${read.columns})`;
  let rows: Array<EnteredRow & { caller_fathom_status: FathomStatus } & R>;
  try {
    rows = (
      await db.queryPrepared<(typeof rows)[number]>(sql, [
        identity.hubId,
        identity.hubspotUserId,
        identity.email,
        read.read,
        read.params.map(asText),
      ])
    ).rows;
  } catch (error) {
    throw refusalOf(error, undefined);
  }
  const first = rows[0]!;
  return {
    caller: { accountId: first.caller_account_id, userId: first.caller_user_id, role: first.caller_role },
    fathomStatus: first.caller_fathom_status,
    rows,
  };
}

// app_read_as_caller takes the read's arguments as text; a Date as the ISO string PostgreSQL reads back.
const asText = (value: unknown): string | null =>
  value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : String(value);

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
