-- Keeps accounts.fathom_status in step with the Fathom connection (api_connections_publish_fathom_status).
CREATE OR REPLACE TRIGGER api_connections_fathom_status
  AFTER INSERT OR UPDATE OF status, provider OR DELETE ON api_connections
  FOR EACH ROW EXECUTE FUNCTION api_connections_publish_fathom_status();
