-- A user's row (email, name, HubSpot id): admins and backend work all; anyone himself, his
-- manager, his reps, and the users on the other end of coaching he may see. Asked as the pairs a
-- caller can see, each an index probe whose first row is visible (asking for ANY message of the
-- user and letting row level security pick grew with the square of the messages).
-- PL/pgSQL, not SQL: PostgreSQL cannot inline a SQL function that reads a table, so it would parse
-- and plan it again on every execution of each statement calling it; PL/pgSQL keeps its plans for
-- the connection. The card reads call it from their policies (docs/cards.md).
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
