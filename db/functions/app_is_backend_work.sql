-- Tenant work of the backend itself, not on behalf of a user.
CREATE OR REPLACE FUNCTION app_is_backend_work() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT app_account_id() IS NOT NULL AND app_user_id() IS NULL $$;
