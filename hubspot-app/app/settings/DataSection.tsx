import { useState } from 'react';
import { Alert, Button, Flex, Heading, Modal, ModalBody, ModalFooter, Text } from '@hubspot/ui-extensions';
import { useAction, useRequest, type Api, type DataRetention } from '@fathom-hubspot/ui-shared';

const CONFIRM_ID = 'remove-app';

/** The grace period as people say it: whole days when it is some, else hours. */
export function gracePeriod(hours: number): string {
  if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/**
 * What the app keeps, for whom, and for how long (docs/setup-guide.md), and the admin's way to
 * remove the app and delete all of it at once, after confirming in a modal; `hubId` is the portal's.
 */
export function DataSection({ api, hubId }: { api: Api; hubId: number }) {
  const [removed, setRemoved] = useState(false);
  const { busy, problem, run } = useAction();
  // The grace period is the operator's setting (UNINSTALL_GRACE_HOURS), so the page asks for it.
  const [retention] = useRequest(() => api.get<DataRetention>('/api/settings/data'), 'data');
  const grace = retention.status === 'ready' ? retention.data.uninstallGraceHours : null;
  const kept =
    grace === 0
      ? 'are deleted at once'
      : `are kept for ${grace === null ? 'a grace period' : gracePeriod(grace)} in case you reinstall, then deleted for good`;
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
              // The portal's hub id confirms the removal a second time (docs/security.md).
              () => api.delete('/api/settings/installation', { hubId }),
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
        links to HubSpot records, their analysis, your team's coaching, the people who use the app and their roles, and
        the sync log, for this portal only, with Fathom and HubSpot credentials encrypted. It keeps them while the app
        is installed.
      </Text>
      <Text>
        {`Disconnecting Fathom deletes its credentials and stops new calls; calls already synced stay. Uninstalling the app stops the sync and deletes every credential at once; the calls, analyses, coaching and roles ${kept}.`}
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
