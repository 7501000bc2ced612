-- The acting user may coach p_rep: an admin anyone, a manager only the reps he manages, and
-- nobody himself.
CREATE OR REPLACE FUNCTION app_may_coach(p_rep uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(p_rep <> app_user_id()
                    AND (app_user_role() = 'admin' OR (app_user_role() = 'manager' AND app_manages(p_rep))), false)
  $$;
