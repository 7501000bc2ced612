-- Search across calls (GET /api/search) finds a call by its title, summary or transcript: the sync
-- now indexes the summary with the rest (backend/src/sync/searchText.ts). Calls stored before it
-- get their summary added to the index here; a later change of the call re-indexes it whole.
-- As the system role: row level security is forced on conversations, for its owner too.
SET LOCAL ROLE fathom_app_system;
UPDATE conversations
   SET transcript_search = coalesce(transcript_search, ''::tsvector) || to_tsvector('english', summary_markdown)
 WHERE summary_markdown IS NOT NULL AND summary_markdown <> '';
RESET ROLE;
