CREATE OR REPLACE TRIGGER coaching_messages_guard
  BEFORE UPDATE ON coaching_messages
  FOR EACH ROW EXECUTE FUNCTION coaching_messages_guard();
