-- The current tenant's Fathom status, as api_connections_publish_fathom_status copied it.
CREATE OR REPLACE FUNCTION fathom_sync_status() RETURNS text
  LANGUAGE sql STABLE
  AS $$ SELECT fathom_status FROM accounts WHERE id = app_require_account_id() $$;

REVOKE ALL ON FUNCTION fathom_sync_status() FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION fathom_sync_status() TO PUBLIC, fathom_app_tenant, fathom_app_system;
