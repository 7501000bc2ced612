import { parseArgs } from 'node:util';
import { analyseFnFor } from '../sync/analyseMeeting.ts';
import { ruleBasedAnalyser } from '../coaching/analysis/ruleBasedAnalyser.ts';
import { DEMO_HUB_ID, seedDemo } from '../seed/seedDemo.ts';
import { runWithDatabase } from './withDatabase.ts';

const { values } = parseArgs({ options: { portal: { type: 'string' }, conversations: { type: 'string' } } });

await runWithDatabase(async (db) => {
  const summary = await seedDemo(db, {
    hubId: values.portal ? Number(values.portal) : DEMO_HUB_ID,
    conversations: values.conversations ? Number(values.conversations) : 50,
    analyse: analyseFnFor(ruleBasedAnalyser),
  });
  const c = summary.conversations;
  console.log(
    `Demo portal ${summary.hubId}: ${summary.users} users, conversations ${c.new} new / ${c.updated} updated / ${c.unchanged} unchanged, ${summary.coachingMessages} coaching messages.`,
  );
});
