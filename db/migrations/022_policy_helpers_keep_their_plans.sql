-- The row level security helpers that read tables, as PL/pgSQL. Same bodies, same rights (the
-- invoker's), same volatility. A SQL function that PostgreSQL cannot inline (these four read
-- tables, so it cannot) is parsed and planned again on every execution of each statement that
-- calls it; PL/pgSQL keeps its plans for the life of the connection (and plans again where the
-- role or row level security they were made for changed). The coaching card's and a call
-- detail's statements call them from their policies: pgbench of those statements (10 clients,
-- bench:cards' million calls) went from about 2,950 to 7,600 and 9,400 per second (docs/cards.md).
-- The helpers made of expressions alone (app_account_id, app_user_id, app_is_backend_work,
-- app_may_see_coaching, app_may_coach, app_may_see_performance_of) stay SQL: PostgreSQL inlines them.

CREATE OR REPLACE FUNCTION app_user_role() RETURNS text
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN (SELECT role FROM user_roles WHERE account_id = app_account_id() AND user_id = app_user_id());
  END $$;

CREATE OR REPLACE FUNCTION app_manages(p_user uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = p_user AND r.manager_user_id = app_user_id());
  END $$;

CREATE OR REPLACE FUNCTION app_may_see_user(p_user uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN app_is_backend_work() OR coalesce(app_user_role() = 'admin', false) OR p_user = app_user_id()
        OR app_manages(p_user)
        OR EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = app_user_id() AND r.manager_user_id = p_user)
        OR EXISTS (SELECT 1 FROM coaching_messages m
                    WHERE m.account_id = app_account_id() AND m.author_user_id = app_user_id() AND m.rep_user_id = p_user)
        OR EXISTS (SELECT 1 FROM coaching_messages m
                    WHERE m.account_id = app_account_id() AND m.author_user_id = p_user AND m.rep_user_id = app_user_id()
                      AND m.status <> 'draft')
        OR (coalesce(app_user_role() = 'manager', false) AND EXISTS (
              SELECT 1 FROM coaching_messages m
                JOIN user_roles r ON r.account_id = m.account_id AND r.user_id = m.rep_user_id
               WHERE m.account_id = app_account_id() AND m.author_user_id = p_user AND m.status <> 'draft'
                 AND r.manager_user_id = app_user_id()));
  END $$;

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
