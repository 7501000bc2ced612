-- The AI review of a call (issue 28): what an OpenAI-compatible model said about it, kept once per
-- call and transcript version, and the tokens each account spent on reviews per day. The portal's
-- consent lives in accounts.settings.ai ({ "enabled": true, "since": "<timestamptz>" }).

CREATE TABLE call_reviews (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id         uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  conversation_id    uuid NOT NULL,
  -- conversations.content_hash when the call was last looked at: a re-sync that changed nothing
  -- (same hash) is not looked at again; a changed hash is, and asks the model only when the
  -- transcript itself changed (transcript_version, a sha256 of the lines sent).
  content_hash       text,
  transcript_version text NOT NULL,
  status             text NOT NULL CHECK (status IN ('reviewed', 'retrying', 'failed')),
  model              text NOT NULL,
  review             jsonb,
  prompt_tokens      integer CHECK (prompt_tokens >= 0),
  completion_tokens  integer CHECK (completion_tokens >= 0),
  attempts           integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  -- Why it failed, in our words (a status, a timeout, "not the schema"): never the model's text or the key.
  failure            text CHECK (length(failure) <= 200),
  reviewed_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, conversation_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
  CHECK (status <> 'reviewed' OR review IS NOT NULL)
);

CREATE TABLE ai_token_usage (
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  day        date NOT NULL,
  tokens     bigint NOT NULL DEFAULT 0 CHECK (tokens >= 0),
  PRIMARY KEY (account_id, day)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON call_reviews, ai_token_usage TO fathom_app_tenant, fathom_app_system;

-- A review is about the rep's work, like the score: seen by whoever sees the call's analysis
-- (docs/who-sees-what.md). Only backend work (the review job) writes reviews and spends tokens;
-- the day's spending is no one's performance, so every user of the tenant may read it.
ALTER TABLE call_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY call_reviews_tenant_read ON call_reviews FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_call_analysis(conversation_id));
CREATE POLICY call_reviews_tenant_insert ON call_reviews FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY call_reviews_tenant_update ON call_reviews FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work())
  WITH CHECK (account_id = app_account_id());
CREATE POLICY call_reviews_tenant_delete ON call_reviews FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY call_reviews_system ON call_reviews TO fathom_app_system USING (true) WITH CHECK (true);

ALTER TABLE ai_token_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_token_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY ai_token_usage_tenant_read ON ai_token_usage FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id());
CREATE POLICY ai_token_usage_tenant_insert ON ai_token_usage FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY ai_token_usage_tenant_update ON ai_token_usage FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work())
  WITH CHECK (account_id = app_account_id());
CREATE POLICY ai_token_usage_tenant_delete ON ai_token_usage FOR DELETE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_is_backend_work());
CREATE POLICY ai_token_usage_system ON ai_token_usage TO fathom_app_system USING (true) WITH CHECK (true);

-- The detail card's one-statement read (migration 021) also carries the call's review, where row
-- level security shows it: the same function with one more column, ai_review.
DROP FUNCTION app_read_conversation_detail(bigint, bigint, text, uuid, integer, integer);
CREATE FUNCTION app_read_conversation_detail(
  p_hub_id bigint,
  p_hubspot_user_id bigint,
  p_email text,
  p_id uuid,
  p_lines integer,
  p_context integer
) RETURNS TABLE (
  caller_account_id uuid, caller_user_id uuid, caller_role text, caller_fathom_status text,
  id uuid, title text, started_at timestamptz, ended_at timestamptz, duration_seconds integer, url text,
  share_url text, recorded_by_user_id uuid, recorded_by_name text, recorded_by_email text,
  summary_markdown text, language text, action_items jsonb, participants jsonb, analyser_version text,
  score smallint, metrics jsonb, computed_at timestamptz, excerpt jsonb, ai_review jsonb
)
  LANGUAGE plpgsql VOLATILE
  AS $$
  DECLARE
    v_caller record;
  BEGIN
    SELECT * INTO v_caller FROM app_enter_caller(p_hub_id, p_hubspot_user_id, p_email, true);
    RETURN QUERY
      SELECT v_caller.caller_account_id, v_caller.caller_user_id, v_caller.caller_role, v_caller.caller_fathom_status, d.*,
             (SELECT jsonb_build_object('model', r.model, 'reviewedAt', r.reviewed_at, 'review', r.review)
                FROM call_reviews r
               WHERE r.account_id = app_account_id() AND r.conversation_id = d.id AND r.review IS NOT NULL)
        FROM (SELECT 1) AS one
        LEFT JOIN card_conversation_detail(p_id, p_lines, p_context) AS d ON true;
  END $$;
REVOKE ALL ON FUNCTION app_read_conversation_detail(bigint, bigint, text, uuid, integer, integer) FROM PUBLIC;
