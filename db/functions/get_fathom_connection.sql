-- The current tenant's Fathom connection (row level security applies: the caller's rights).
CREATE OR REPLACE FUNCTION get_fathom_connection() RETURNS SETOF api_connections
  LANGUAGE sql STABLE
  AS $$
    SELECT * FROM api_connections WHERE account_id = app_require_account_id() AND provider = 'fathom'
  $$;

REVOKE ALL ON FUNCTION get_fathom_connection() FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION get_fathom_connection() TO PUBLIC, fathom_app_tenant, fathom_app_system;
