CREATE OR REPLACE FUNCTION app_user_role() RETURNS text
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN (SELECT role FROM user_roles WHERE account_id = app_account_id() AND user_id = app_user_id());
  END $$;
