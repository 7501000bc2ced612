-- Copies a Fathom connection's status to accounts.fathom_status, which every user of the tenant
-- may read (the cards show it) without reading api_connections.
CREATE OR REPLACE FUNCTION api_connections_publish_fathom_status() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      IF OLD.provider = 'fathom' THEN
        UPDATE accounts SET fathom_status = NULL WHERE id = OLD.account_id;
      END IF;
    ELSIF NEW.provider = 'fathom' THEN
      UPDATE accounts SET fathom_status = NEW.status WHERE id = NEW.account_id AND fathom_status IS DISTINCT FROM NEW.status;
    END IF;
    RETURN NULL;
  END $$;
