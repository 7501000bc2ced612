-- A page of the tenant's calls matching a search (GET /api/search, backend/src/search/searchCalls.ts):
-- their ids, newest first, for the reps the acting user may see (app_may_see_performance_of).
--
-- Why SECURITY DEFINER, owned by fathom_app_system: under the tenant's row level security the
-- planner may not use an operator that is not LEAKPROOF as an index condition, and `@@` is not,
-- so the GIN index on transcript_search was never read (a rare word walked every call of the
-- portal: 45 ms at 1M calls, bench:scale). As the system role (its policy is `true`) the index is
-- usable; the tenant is still this function's own `account_id = app_account_id()`, and the caller
-- reads the rows themselves again under the tenant's policies (the ids of another portal find
-- nothing there). EXECUTE … USING plans each search with its words, so a common word walks
-- conversations_recent_idx newest first and a rare one reads the GIN index.
CREATE OR REPLACE FUNCTION app_search_call_ids(
  p_query text, p_before timestamptz, p_before_id uuid, p_limit integer, p_object_type text, p_object_id bigint)
  RETURNS TABLE (id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  -- A page at most (the API's limit is 50): estimated at the default 1,000 rows, the caller's join
  -- read every call of the portal to hash them (45 ms at 1M calls) instead of probing 21 ids.
  ROWS 50
  AS $$
  BEGIN
    RETURN QUERY EXECUTE $sql$
      SELECT c.id
        FROM conversations c
       WHERE c.account_id = app_account_id()
         AND c.transcript_search @@ websearch_to_tsquery('english', $1)
         AND app_may_see_performance_of(c.recorded_by_user_id)
         AND ($2::timestamptz IS NULL OR (c.started_at, c.id) < ($2, $3::uuid))
         AND ($5::text IS NULL OR EXISTS (
               SELECT 1 FROM conversation_crm_links l
                WHERE l.account_id = c.account_id AND l.object_type = $5 AND l.object_id = $6
                  AND l.conversation_id = c.id))
       ORDER BY c.started_at DESC, c.id DESC
       LIMIT $4 $sql$
      USING p_query, p_before, p_before_id, p_limit, p_object_type, p_object_id;
  END $$;
ALTER FUNCTION app_search_call_ids(text, timestamptz, uuid, integer, text, bigint) OWNER TO fathom_app_system;
REVOKE ALL ON FUNCTION app_search_call_ids(text, timestamptz, uuid, integer, text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_search_call_ids(text, timestamptz, uuid, integer, text, bigint) TO fathom_app_tenant;
