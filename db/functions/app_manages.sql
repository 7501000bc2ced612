-- The acting user is p_user's manager (user_roles.manager_user_id).
-- PL/pgSQL, not SQL: PostgreSQL cannot inline a SQL function that reads a table, so it would parse
-- and plan it again on every execution of each statement calling it; PL/pgSQL keeps its plans for
-- the connection. The card reads call it from their policies (docs/cards.md).
CREATE OR REPLACE FUNCTION app_manages(p_user uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = p_user AND r.manager_user_id = app_user_id());
  END $$;
