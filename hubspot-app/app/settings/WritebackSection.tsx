import { Alert, Button, Checkbox, Divider, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { useAction, useRequest, type Api, type WritebackSettings } from '@fathom-hubspot/ui-shared';

const WHAT =
  'When on, the app keeps these properties (group "Fathom calls") on every contact, deal and company that has calls: ' +
  'the number of calls, when the last call was, its title and the link to its recording, and the open action items. ' +
  "A company counts the calls of its contacts and its deals. They update after each sync, and HubSpot's reports, " +
  'lists and workflows can use them.';

/**
 * "Write call data to HubSpot": the write-back of call properties to contacts, deals and
 * companies, the score a second, explicit choice (a property is visible to everyone who sees the
 * record). A portal installed without the write scopes is told an admin must reinstall.
 */
export function WritebackSection({ api }: { api: Api }) {
  const [settings, reload] = useRequest(() => api.get<WritebackSettings>('/api/settings/writeback'), 'writeback');
  const { busy, problem, run } = useAction();
  if (settings.status !== 'ready') return null;
  const { enabled, includeScores, missingScopes } = settings.data;
  const save = (choice: { enabled: boolean; includeScores: boolean }) =>
    run(() => api.put<WritebackSettings>('/api/settings/writeback', choice), reload);
  return (
    <>
      <Flex direction="column" gap="sm">
        <Heading>Write call data to HubSpot</Heading>
        <Text>{WHAT}</Text>
        {missingScopes.length ? (
          <Alert title="Reinstall the app to write to HubSpot" variant="warning">
            {`The app was installed without the permissions to write properties (${missingScopes.join(', ')}). An admin must reinstall the app from the marketplace and grant them; until then nothing is written.`}
          </Alert>
        ) : null}
        <Text>
          {enabled ? 'On: call data is written to HubSpot after each sync.' : 'Off: nothing is written to HubSpot.'}
        </Text>
        <Checkbox
          name="includeScores"
          checked={includeScores}
          readOnly={busy}
          description="A score written to HubSpot is visible to everyone who can see the record, not only to the rep and the managers who see it in the app."
          onChange={(checked) => void save({ enabled, includeScores: checked })}
        >
          Also write the average call score
        </Checkbox>
        {problem ? (
          <Alert title="The setting was not changed" variant="danger">
            {problem}
          </Alert>
        ) : null}
        <Button
          variant={enabled ? 'secondary' : 'primary'}
          disabled={busy}
          onClick={() => void save({ enabled: !enabled, includeScores })}
        >
          {enabled ? 'Stop writing to HubSpot' : 'Write call data to HubSpot'}
        </Button>
      </Flex>
      <Divider />
    </>
  );
}
