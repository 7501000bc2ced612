-- A call's analysis follows the person who recorded it (by link, else by the recorder's email).
-- PL/pgSQL, not SQL: PostgreSQL cannot inline a SQL function that reads a table, so it would parse
-- and plan it again on every execution of each statement calling it; PL/pgSQL keeps its plans for
-- the connection. The card reads call it from their policies (docs/cards.md).
CREATE OR REPLACE FUNCTION app_may_see_call_analysis(p_conversation uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN app_is_backend_work() OR coalesce(app_user_role() = 'admin', false) OR EXISTS (
      SELECT 1 FROM conversations c
       WHERE c.account_id = app_account_id() AND c.id = p_conversation
         AND app_may_see_performance_of(coalesce(c.recorded_by_user_id,
               (SELECT u.id FROM users u WHERE u.account_id = c.account_id AND u.email = lower(c.recorded_by_email)))));
  END $$;
