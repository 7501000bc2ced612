-- Who may see and do what, as a second layer under the API (docs/who-sees-what.md).
--
-- A tenant transaction either acts for a HubSpot user (card and settings requests: app.user_id is
-- set, and that user's role decides) or is the backend's own work for one tenant (sync, token
-- refresh, webhooks: app.user_id is empty). Role predicates below apply to the first kind; the
-- second keeps the tenant-wide access it had, and still sees only its own tenant.

-- The acting user is p_user's manager (user_roles.manager_user_id).
CREATE FUNCTION app_manages(p_user uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT EXISTS (SELECT 1 FROM user_roles r
                    WHERE r.account_id = app_account_id() AND r.user_id = p_user AND r.manager_user_id = app_user_id())
  $$;

-- The acting user may coach p_rep: an admin anyone, a manager only the reps he manages, and
-- nobody himself.
CREATE FUNCTION app_may_coach(p_rep uuid) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(p_rep <> app_user_id()
                    AND (app_user_role() = 'admin' OR (app_user_role() = 'manager' AND app_manages(p_rep))), false)
  $$;

-- A message is visible to an admin, to its author, and once sent to the user it is addressed to
-- and to that user's manager. Drafts: author and admins only. Backend work sees no coaching.
CREATE OR REPLACE FUNCTION app_may_see_coaching(p_author uuid, p_rep uuid, p_status text) RETURNS boolean
  LANGUAGE sql STABLE
  AS $$
    SELECT coalesce(app_user_role() = 'admin' OR p_author = app_user_id()
                    OR (p_status <> 'draft' AND (p_rep = app_user_id() OR (app_user_role() = 'manager' AND app_manages(p_rep)))),
                    false)
  $$;

-- Coaching. Writing: the author must be allowed to coach the addressee, and a message starts as a
-- draft. Touching a message: whoever may coach its addressee, or the addressee himself; which
-- move each of them may make is checked by the trigger below (a policy cannot see the old row).
DROP POLICY coaching_messages_tenant_insert ON coaching_messages;
CREATE POLICY coaching_messages_tenant_insert ON coaching_messages FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND author_user_id = app_user_id() AND status = 'draft'
              AND app_may_coach(rep_user_id));
DROP POLICY coaching_messages_tenant_update ON coaching_messages;
CREATE POLICY coaching_messages_tenant_update ON coaching_messages FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id() AND app_may_see_coaching(author_user_id, rep_user_id, status)
         AND (app_may_coach(rep_user_id) OR rep_user_id = app_user_id()))
  WITH CHECK (account_id = app_account_id()
              AND (app_may_coach(rep_user_id) OR (rep_user_id = app_user_id() AND status = 'acknowledged')));

-- The workflow of docs/who-sees-what.md, for updates made on behalf of a user: draft → sent and
-- sent → draft (retract) by the author while he may coach the addressee; sent → dismissed by
-- whoever may coach the addressee; sent → acknowledged by the addressee. Call, author and
-- addressee never change; the text only in the author's own draft.
CREATE FUNCTION coaching_messages_guard() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    actor uuid := app_user_id();
  BEGIN
    IF actor IS NULL THEN
      RETURN NEW;
    END IF;
    IF (NEW.account_id, NEW.conversation_id, NEW.author_user_id, NEW.rep_user_id, NEW.created_at)
       IS DISTINCT FROM (OLD.account_id, OLD.conversation_id, OLD.author_user_id, OLD.rep_user_id, OLD.created_at) THEN
      RAISE EXCEPTION 'a coaching message keeps its call, author and addressee' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.category, NEW.body, NEW.moment_seconds) IS DISTINCT FROM (OLD.category, OLD.body, OLD.moment_seconds)
       AND NOT (OLD.status = 'draft' AND NEW.status = 'draft' AND actor = OLD.author_user_id) THEN
      RAISE EXCEPTION 'only its author edits a coaching message, and only while it is a draft'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
         (OLD.status = 'draft' AND NEW.status = 'sent' AND actor = OLD.author_user_id AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'draft' AND actor = OLD.author_user_id AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'dismissed' AND app_may_coach(OLD.rep_user_id))
      OR (OLD.status = 'sent' AND NEW.status = 'acknowledged' AND actor = OLD.rep_user_id)
    ) THEN
      RAISE EXCEPTION 'this user may not move this coaching message from % to %', OLD.status, NEW.status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
CREATE TRIGGER coaching_messages_guard
  BEFORE UPDATE ON coaching_messages
  FOR EACH ROW EXECUTE FUNCTION coaching_messages_guard();

-- A history entry records the state the message is now in, by the user who moved it there.
DROP POLICY coaching_message_events_tenant_insert ON coaching_message_events;
CREATE POLICY coaching_message_events_tenant_insert ON coaching_message_events FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND actor_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m
                           WHERE m.account_id = coaching_message_events.account_id AND m.id = message_id
                             AND m.status = coaching_message_events.to_status));

-- Outcomes: recorded on a sent message by whoever may coach its addressee.
DROP POLICY coaching_outcomes_tenant_write ON coaching_outcomes;
CREATE POLICY coaching_outcomes_tenant_write ON coaching_outcomes FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m
                           WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id
                             AND m.status <> 'draft' AND app_may_coach(m.rep_user_id)));
DROP POLICY coaching_outcomes_tenant_update ON coaching_outcomes;
CREATE POLICY coaching_outcomes_tenant_update ON coaching_outcomes FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m
                      WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id
                        AND m.status <> 'draft' AND app_may_coach(m.rep_user_id)))
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id());
