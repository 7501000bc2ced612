import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { readTrackers } from './trackerSettings.ts';
import type { ConversationAnalyser } from './analysis/types.ts';

const STALE = `
  SELECT c.id, c.duration_seconds, c.language
    FROM conversations c
    LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
   WHERE c.account_id = app_account_id() AND ($1 OR an.id IS NULL OR an.analyser_version <> $2)
   ORDER BY c.id`;

const SEGMENTS = `
  SELECT speaker_name, speaker_email, is_external, text, start_seconds
    FROM transcript_segments WHERE account_id = app_account_id() AND conversation_id = $1 ORDER BY position`;

/**
 * Recomputes the analysis of stored conversations from their stored transcripts: those without
 * one or made by another analyser version, or every one with `all`. One transaction per call.
 */
export async function reanalyse(
  db: Database,
  analyser: ConversationAnalyser,
  options: { all: boolean; onProgress?: (done: number, total: number) => void },
): Promise<{ accounts: number; conversations: number }> {
  const accounts = await withSystem(
    db,
    async (tx) => (await tx.query<{ id: string }>(`SELECT id FROM accounts ORDER BY hub_id`)).rows,
  );
  let conversations = 0;
  for (const account of accounts) {
    const { trackers, stale } = await withTenant(db, { accountId: account.id }, async (tx) => ({
      trackers: await readTrackers(tx),
      stale: (
        await tx.query<{ id: string; duration_seconds: number; language: string | null }>(STALE, [
          options.all,
          analyser.version,
        ])
      ).rows,
    }));
    for (const [index, conversation] of stale.entries()) {
      await withTenant(db, { accountId: account.id }, async (tx) => {
        const segments = (
          await tx.query<{
            speaker_name: string;
            speaker_email: string | null;
            is_external: boolean | null;
            text: string;
            start_seconds: number | null;
          }>(SEGMENTS, [conversation.id])
        ).rows;
        const analysis = analyser.analyse({
          durationSeconds: conversation.duration_seconds,
          language: conversation.language,
          segments: segments.map((s) => ({
            speakerName: s.speaker_name,
            speakerEmail: s.speaker_email,
            isExternal: s.is_external,
            text: s.text,
            startSeconds: s.start_seconds,
            endSeconds: null,
          })),
          ...(trackers ? { trackers } : {}),
        });
        await tx.query(
          `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
           VALUES (app_account_id(), $1, $2, $3, $4)
           ON CONFLICT (account_id, conversation_id) DO UPDATE SET
             analyser_version = EXCLUDED.analyser_version, score = EXCLUDED.score, metrics = EXCLUDED.metrics, computed_at = now()`,
          [conversation.id, analyser.version, analysis.score, JSON.stringify(analysis)],
        );
        await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [[conversation.id]]);
      });
      conversations += 1;
      options.onProgress?.(index + 1, stale.length);
    }
  }
  return { accounts: accounts.length, conversations };
}
