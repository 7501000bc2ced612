import { Flex, Heading, Text } from '@hubspot/ui-extensions';

/** What the app keeps, for whom, and what happens to it on disconnect and uninstall (docs/setup-guide.md). */
export function DataSection() {
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
    </Flex>
  );
}
