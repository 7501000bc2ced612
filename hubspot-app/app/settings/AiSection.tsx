import { Alert, Button, Divider, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { useAction, useRequest, type AiSettings, type Api } from '@fathom-hubspot/ui-shared';

/**
 * The portal's consent to the AI review. Shown only when the operator configured a model
 * (LLM_*): it names the model and where the transcripts go before an admin turns it on. Without
 * a model nothing of it shows (not even its divider): the page promises no AI.
 */
export function AiSection({ api }: { api: Api }) {
  const [settings, reload] = useRequest(() => api.get<AiSettings>('/api/settings/ai'), 'ai');
  const { busy, problem, run } = useAction();
  if (settings.status !== 'ready' || !settings.data.available) return null;
  const { enabled, model, destination } = settings.data;
  const turn = (on: boolean) => run(() => api.put<AiSettings>('/api/settings/ai', { enabled: on }), reload);
  return (
    <>
      <Flex direction="column" gap="sm">
        <Heading>AI review of calls</Heading>
        <Text>
          {`When on, the transcript of each call (its text, speakers and times), the call's title and up to three past coaching messages that worked are sent to ${destination} for the model ${model}, which reviews the call: qualification (MEDDICC), objections, risks and up to three coaching points. The review shows on the call, to whoever sees its score.`}
        </Text>
        <Text>
          {enabled
            ? 'On: every new call is reviewed (the newest 50 were reviewed when it was turned on).'
            : 'Off: no transcript is sent anywhere. Turning it on reviews the newest 50 calls, then every new call.'}
        </Text>
        {problem ? (
          <Alert title="The setting was not changed" variant="danger">
            {problem}
          </Alert>
        ) : null}
        <Button variant={enabled ? 'secondary' : 'primary'} disabled={busy} onClick={() => void turn(!enabled)}>
          {enabled ? 'Turn the AI review off' : 'Turn the AI review on'}
        </Button>
      </Flex>
      <Divider />
    </>
  );
}
