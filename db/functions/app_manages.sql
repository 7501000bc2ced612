CREATE OR REPLACE FUNCTION app_manages(p_user uuid) RETURNS boolean
  LANGUAGE plpgsql STABLE
  AS $$
  BEGIN
    RETURN EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = p_user AND r.manager_user_id = app_user_id());
  END $$;
