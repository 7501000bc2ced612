-- The detail card's read: the call as card_conversation_detail shows it, and its AI review where
-- row level security shows it (the model, when, and what it said). The tenant read has no review.
CREATE OR REPLACE FUNCTION card_conversation_detail_reviewed(p_id uuid, p_lines integer, p_context integer)
  RETURNS TABLE (
    id uuid, title text, started_at timestamptz, ended_at timestamptz, duration_seconds integer, url text,
    share_url text, recorded_by_user_id uuid, recorded_by_name text, recorded_by_email text,
    summary_markdown text, language text, action_items jsonb, participants jsonb, analyser_version text,
    score smallint, metrics jsonb, computed_at timestamptz, excerpt jsonb, ai_review jsonb
  )
  LANGUAGE sql STABLE
  AS $$
  SELECT d.*,
         (SELECT jsonb_build_object('model', r.model, 'reviewedAt', r.reviewed_at, 'review', r.review)
            FROM call_reviews r
           WHERE r.account_id = app_account_id() AND r.conversation_id = d.id AND r.review IS NOT NULL)
    FROM card_conversation_detail(p_id, p_lines, p_context) AS d
$$;

REVOKE ALL ON FUNCTION card_conversation_detail_reviewed(uuid, integer, integer) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION card_conversation_detail_reviewed(uuid, integer, integer) TO PUBLIC, fathom_app_tenant, fathom_app_system;
