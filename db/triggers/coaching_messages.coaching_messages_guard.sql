-- The coaching workflow's legal moves, checked on every update (a policy cannot see the old row).
CREATE OR REPLACE TRIGGER coaching_messages_guard
  BEFORE UPDATE ON coaching_messages
  FOR EACH ROW EXECUTE FUNCTION coaching_messages_guard();
