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
