-- Full-text search for coaching suggestions: a call's transcript (kept by the sync when it stores
-- the segments) and a message's text.
ALTER TABLE conversations ADD COLUMN transcript_search tsvector;
CREATE INDEX conversations_transcript_search_idx ON conversations USING gin (transcript_search);

ALTER TABLE coaching_messages
  ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', category || ' ' || body)) STORED;
CREATE INDEX coaching_messages_search_idx ON coaching_messages USING gin (search);

-- Calls stored before this migration. Under forced RLS even the owner sees no rows, so the
-- backfill runs as the system role.
SET LOCAL ROLE fathom_app_system;
UPDATE conversations c SET transcript_search = to_tsvector('english', c.title || ' ' || coalesce(
  (SELECT string_agg(s.text, ' ' ORDER BY s.position) FROM transcript_segments s
    WHERE s.account_id = c.account_id AND s.conversation_id = c.id), ''));
RESET ROLE;
