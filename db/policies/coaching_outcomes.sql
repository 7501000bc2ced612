CREATE POLICY coaching_outcomes_tenant_read ON coaching_outcomes FOR SELECT TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id));
CREATE POLICY coaching_outcomes_system ON coaching_outcomes TO fathom_app_system USING (true) WITH CHECK (true);
CREATE POLICY coaching_outcomes_tenant_write ON coaching_outcomes FOR INSERT TO fathom_app_tenant
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id()
              AND EXISTS (SELECT 1 FROM coaching_messages m
                           WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id
                             AND m.status <> 'draft' AND app_may_coach(m.rep_user_id)));
CREATE POLICY coaching_outcomes_tenant_update ON coaching_outcomes FOR UPDATE TO fathom_app_tenant
  USING (account_id = app_account_id()
         AND EXISTS (SELECT 1 FROM coaching_messages m
                      WHERE m.account_id = coaching_outcomes.account_id AND m.id = message_id
                        AND m.status <> 'draft' AND app_may_coach(m.rep_user_id)))
  WITH CHECK (account_id = app_account_id() AND recorded_by_user_id = app_user_id());
