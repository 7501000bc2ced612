import { parseArgs } from 'node:util';
import { ruleBasedAnalyser } from '../coaching/analysis/ruleBasedAnalyser.ts';
import { reanalyse } from '../coaching/reanalyse.ts';
import { runWithDatabase } from './withDatabase.ts';

const { values } = parseArgs({ options: { all: { type: 'boolean', default: false } } });

await runWithDatabase(async (db) => {
  const result = await reanalyse(db, ruleBasedAnalyser, {
    all: values.all ?? false,
    onProgress: (done, total) => {
      if (process.stdout.isTTY) process.stdout.write(`\r  ${done}/${total}`);
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  console.log(
    `Analysed ${result.conversations} conversation(s) in ${result.accounts} account(s) with ${ruleBasedAnalyser.version}${values.all ? ' (all)' : ' (missing or outdated only)'}.`,
  );
});
