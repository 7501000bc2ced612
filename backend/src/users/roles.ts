import type { Person } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Queryable } from '../db/database.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors.ts';
import type { Caller, Role } from './caller.ts';

const LIST = `
  SELECT u.id, u.hubspot_user_id, u.email, u.display_name, r.role, m.hubspot_user_id AS manager_hubspot_user_id
    FROM users u
    JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
    LEFT JOIN users m ON m.account_id = r.account_id AND m.id = r.manager_user_id
   WHERE u.account_id = app_account_id()
   ORDER BY r.role, u.email`;

export async function listRoles(tx: Queryable): Promise<Person[]> {
  const { rows } = await tx.query<{
    id: string;
    hubspot_user_id: number | null;
    email: string;
    display_name: string | null;
    role: Role;
    manager_hubspot_user_id: number | null;
  }>(LIST);
  return rows.map((row) => ({
    id: row.id,
    hubspotUserId: row.hubspot_user_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    managerHubspotUserId: row.manager_hubspot_user_id,
  }));
}

const USER_BY_HUBSPOT_ID = `
  SELECT u.id, r.role FROM users u JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
   WHERE u.account_id = app_account_id() AND u.hubspot_user_id = $1`;

async function userByHubSpotId(tx: Queryable, hubspotUserId: number) {
  return (await tx.query<{ id: string; role: Role }>(USER_BY_HUBSPOT_ID, [hubspotUserId])).rows[0];
}

/**
 * Changes a user's role (and, for a rep, his manager). Admins only; the account must keep at
 * least one admin. The rule is checked under a lock on the account's admin rows so two admins
 * demoting each other at once cannot leave none.
 */
export async function setRole(
  tx: Queryable,
  caller: Caller,
  change: { hubspotUserId: number; role: Role; managerHubspotUserId?: number | null | undefined },
): Promise<Person> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins change roles.');
  const target = await userByHubSpotId(tx, change.hubspotUserId);
  if (!target)
    throw new NotFound('No such user in this portal. Users appear once they open a card or are imported from HubSpot.');

  let managerUserId: string | null = null;
  if (change.managerHubspotUserId != null) {
    if (change.role !== 'rep') throw new InvalidInput('managerHubspotUserId: only a rep has a manager');
    const manager = await userByHubSpotId(tx, change.managerHubspotUserId);
    if (!manager) throw new NotFound('No such manager in this portal.');
    if (manager.role === 'rep')
      throw new InvalidInput('managerHubspotUserId: that user is a rep, not a manager or an admin');
    if (manager.id === target.id) throw new InvalidInput('managerHubspotUserId: a rep cannot manage himself');
    managerUserId = manager.id;
  }

  if (target.role === 'admin' && change.role !== 'admin') {
    const admins = await tx.query(
      `SELECT user_id FROM user_roles WHERE account_id = app_account_id() AND role = 'admin' FOR UPDATE`,
    );
    if (admins.rowCount <= 1)
      throw new Conflict('This is the last admin of the portal: make someone else an admin first.');
  }

  await tx.query(
    `UPDATE user_roles SET role = $2, manager_user_id = $3, updated_at = now()
      WHERE account_id = app_account_id() AND user_id = $1`,
    [target.id, change.role, managerUserId],
  );
  // Whoever this user managed is no longer managed by him once he is a rep.
  if (change.role === 'rep') {
    await tx.query(
      `UPDATE user_roles SET manager_user_id = NULL WHERE account_id = app_account_id() AND manager_user_id = $1`,
      [target.id],
    );
  }
  const entry = (await listRoles(tx)).find((r) => r.id === target.id);
  return entry!;
}
