-- hubspot.fetch retries a request once when it gets a 5xx, so a card that creates coaching sends a
-- key of its own with it: the same author sending the same key gets the message created the
-- first time, never a second draft.
ALTER TABLE coaching_messages ADD COLUMN client_key text CHECK (client_key ~ '^[A-Za-z0-9_-]{8,64}$');
CREATE UNIQUE INDEX coaching_messages_client_key_idx
  ON coaching_messages (account_id, author_user_id, client_key) WHERE client_key IS NOT NULL;
