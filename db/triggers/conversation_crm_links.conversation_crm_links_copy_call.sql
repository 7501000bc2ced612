-- A new link (or one moved to another call) copies what the card list shows of its call.
CREATE OR REPLACE TRIGGER conversation_crm_links_copy_call
  BEFORE INSERT OR UPDATE OF conversation_id ON conversation_crm_links
  FOR EACH ROW EXECUTE FUNCTION conversation_crm_links_copy_call();
