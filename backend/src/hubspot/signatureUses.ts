import { createHash } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';

// The expired rows go in the same statement: writes are few, and the index finds them at once.
const REMEMBER = `
  WITH expired AS (DELETE FROM signed_request_uses WHERE expires_at < now())
  INSERT INTO signed_request_uses (signature_sha256, expires_at) VALUES ($1, $2)
  ON CONFLICT (signature_sha256) DO NOTHING
  RETURNING 1`;

const FORGET = `DELETE FROM signed_request_uses WHERE signature_sha256 = $1`;

const keyOf = (signature: string) => createHash('sha256').update(signature, 'utf8').digest();

/**
 * Records the first use of a signature until `expiresAt` (when HubSpot's signature stops being
 * valid anyway). Returns false when it was used before: the request is a replay.
 */
export async function rememberSignature(db: Database, signature: string, expiresAt: Date): Promise<boolean> {
  const { rows } = await withSystem(db, (tx) => tx.query(REMEMBER, [keyOf(signature), expiresAt]));
  return rows.length === 1;
}

/** Forgets a signature, so the same request may be sent again (after a failure on our side). */
export async function forgetSignature(db: Database, signature: string): Promise<void> {
  await withSystem(db, (tx) => tx.query(FORGET, [keyOf(signature)]));
}
