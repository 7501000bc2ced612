-- app_may_see_user (migration 008) looked for ANY message of the user and let row level security
-- pick the visible ones: for a rep with many drafts addressed to him (invisible to him) every
-- users row scanned them all, and a coaching list joining users twice per message grew with the
-- square of the messages. The same rule, asked as the pairs a caller can see, each an index probe
-- whose first row is visible: coaching between him and the user, and, for a manager, coaching his
-- reps received from the user.
CREATE OR REPLACE FUNCTION app_may_see_user(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT app_is_backend_work() OR coalesce(app_user_role() = 'admin', false) OR p_user = app_user_id()
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
                 AND r.manager_user_id = app_user_id()))
  $$;
