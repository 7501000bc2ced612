-- The role of the acting user in the current tenant (NULL when none is set).
-- PL/pgSQL, not SQL: PostgreSQL cannot inline a SQL function that reads a table, so it would parse
-- and plan it again on every execution of each statement calling it; PL/pgSQL keeps its plans for
-- the connection. The card reads call it from their policies (docs/cards.md).
CREATE OR REPLACE FUNCTION app_user_role() RETURNS text
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN (SELECT role FROM user_roles WHERE account_id = app_account_id() AND user_id = app_user_id());
  END $$;
