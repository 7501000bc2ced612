-- A message is visible to an admin, to its author, and once sent to the user it is addressed to
-- and to that user's manager. Drafts: author and admins only. Backend work sees no coaching.
CREATE OR REPLACE FUNCTION app_may_see_coaching(p_author uuid, p_rep uuid, p_status text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(app_user_role() = 'admin' OR p_author = app_user_id()
                    OR (p_status <> 'draft' AND (p_rep = app_user_id() OR (app_user_role() = 'manager' AND app_manages(p_rep)))),
                    false)
  $$;
