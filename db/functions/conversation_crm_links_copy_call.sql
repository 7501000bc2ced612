-- A new link (or one moved to another call) copies its call. Runs with the writer's rights: row
-- level security shows it only its own tenant's call.
CREATE OR REPLACE FUNCTION conversation_crm_links_copy_call() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  BEGIN
    SELECT c.started_at, c.title, c.duration_seconds, c.recorded_by_user_id, c.recorded_by_name,
           c.recorded_by_email, c.url, c.card_score, c.card_open_action_items, c.card_participants
      INTO NEW.conversation_started_at, NEW.conversation_title, NEW.conversation_duration_seconds,
           NEW.conversation_recorded_by_user_id, NEW.conversation_recorded_by_name,
           NEW.conversation_recorded_by_email, NEW.conversation_url, NEW.conversation_score,
           NEW.conversation_open_action_items, NEW.conversation_participants
      FROM conversations c WHERE c.account_id = NEW.account_id AND c.id = NEW.conversation_id;
    RETURN NEW;
  END $$;
