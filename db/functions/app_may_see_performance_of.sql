-- Performance data of a user (call scores and analyses, the trend): himself, his manager, admins.
CREATE OR REPLACE FUNCTION app_may_see_performance_of(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(app_is_backend_work() OR app_user_role() = 'admin' OR p_user = app_user_id()
                    OR (app_user_role() = 'manager' AND app_manages(p_user)), false)
  $$;
