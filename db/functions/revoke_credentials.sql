-- One statement destroys stored credentials, for a Fathom disconnect and for an uninstall alike:
-- the connection is revoked and every secret, the webhook registration and the sync cursor go.
-- It runs with the caller's rights, so row level security applies as to any other query: as a
-- tenant it reaches only that tenant's connections. p_provider NULL means every provider.
CREATE OR REPLACE FUNCTION revoke_credentials(p_account_id uuid, p_provider text DEFAULT NULL) RETURNS void
  LANGUAGE sql
  AS $$
    UPDATE api_connections
       SET status = 'revoked', key_id = NULL, api_key_enc = NULL, access_token_enc = NULL,
           refresh_token_enc = NULL, expires_at = NULL, webhook_id = NULL, webhook_secret_enc = NULL,
           sync_cursor = NULL, updated_at = now()
     WHERE account_id = p_account_id AND (p_provider IS NULL OR provider = p_provider)
  $$;

REVOKE ALL ON FUNCTION revoke_credentials(uuid, text) FROM PUBLIC, fathom_app_tenant, fathom_app_system;
GRANT EXECUTE ON FUNCTION revoke_credentials(uuid, text) TO PUBLIC, fathom_app_tenant, fathom_app_system;
