import { useState } from 'react';
import { Alert, Button, Flex, Heading, Modal, ModalBody, ModalFooter, Text } from '@hubspot/ui-extensions';
import { useAction, type Api } from '@fathom-hubspot/ui-shared';

const CONFIRM_ID = 'remove-app';

/**
 * What the app keeps, for whom, and for how long (docs/setup-guide.md), and the admin's way to
 * remove the app and delete all of it at once, after confirming in a modal.
 */
export function DataSection({ api }: { api: Api }) {
  const [removed, setRemoved] = useState(false);
  const { busy, problem, run } = useAction();
  if (removed) {
    return (
      <Alert title="The app was removed" variant="success">
        The app was uninstalled from this portal and everything it stored was deleted.
      </Alert>
    );
  }
  const confirm = (
    <Modal id={CONFIRM_ID} title="Remove the app and delete all its data now?" variant="danger">
      <ModalBody>
        <Text>
          This uninstalls the app from this portal and deletes every call, analysis and coaching message it stored, at
          once. It cannot be undone.
        </Text>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="destructive"
          disabled={busy}
          onClick={(_event, reactions) => {
            reactions?.closeModal?.(CONFIRM_ID);
            void run(
              () => api.delete('/api/settings/installation'),
              () => setRemoved(true),
            );
          }}
        >
          Yes, remove the app and delete everything
        </Button>
        <Button onClick={(_event, reactions) => reactions?.closeModal?.(CONFIRM_ID)}>Cancel</Button>
      </ModalFooter>
    </Modal>
  );
  return (
    <Flex direction="column" gap="sm">
      <Heading>Data</Heading>
      <Text>
        The app stores your Fathom calls (titles, times, participants, transcripts, summaries, action items), their
        analysis, and your team's coaching, for this portal only, with Fathom and HubSpot credentials encrypted.
      </Text>
      <Text>
        Disconnecting Fathom deletes its credentials and stops new calls; calls already synced stay. Uninstalling the
        app stops the sync and deletes every credential at once; the calls, analyses and coaching are kept for 30 days
        in case you reinstall, then deleted for good.
      </Text>
      <Text>When HubSpot deletes a contact for privacy reasons, the app removes that person from its calls too.</Text>
      {problem ? (
        <Alert title="The app was not removed" variant="danger">
          {problem}
        </Alert>
      ) : null}
      <Button variant="destructive" disabled={busy} overlay={confirm}>
        Remove the app and delete our data
      </Button>
    </Flex>
  );
}
