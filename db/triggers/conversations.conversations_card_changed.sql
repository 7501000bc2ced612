-- A call whose shown fields change rewrites its links' copies, in the same transaction.
CREATE OR REPLACE TRIGGER conversations_card_changed
  AFTER UPDATE OF started_at, title, duration_seconds, recorded_by_user_id, recorded_by_name, recorded_by_email,
                  url, card_score, card_open_action_items, card_participants
  ON conversations
  FOR EACH ROW
  WHEN ((OLD.started_at, OLD.title, OLD.duration_seconds, OLD.recorded_by_user_id, OLD.recorded_by_name,
         OLD.recorded_by_email, OLD.url, OLD.card_score, OLD.card_open_action_items, OLD.card_participants)
        IS DISTINCT FROM
        (NEW.started_at, NEW.title, NEW.duration_seconds, NEW.recorded_by_user_id, NEW.recorded_by_name,
         NEW.recorded_by_email, NEW.url, NEW.card_score, NEW.card_open_action_items, NEW.card_participants))
  EXECUTE FUNCTION conversations_copy_to_links();
