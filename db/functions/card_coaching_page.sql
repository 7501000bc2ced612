-- The coaching of one record's calls, newest first: the coaching card's read, inlined into the
-- statements that select from it (listMessagesForRecord, app_read_as_caller).
CREATE OR REPLACE FUNCTION card_coaching_page(p_object_type text, p_object_id bigint, p_limit integer)
  RETURNS SETOF coaching_message_rows
  LANGUAGE sql STABLE
  AS $$
  SELECT m.*
    FROM coaching_message_rows m
   WHERE m.account_id = app_account_id()
     AND m.conversation_id IN (SELECT l.conversation_id FROM conversation_crm_links l
                                WHERE l.account_id = app_account_id() AND l.object_type = p_object_type
                                  AND l.object_id = p_object_id)
   ORDER BY m.created_at DESC, m.id DESC
   LIMIT p_limit
$$;

REVOKE ALL ON FUNCTION card_coaching_page(text, bigint, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION card_coaching_page(text, bigint, integer) TO PUBLIC, fathom_app_tenant, fathom_app_system;
