import { Divider, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { Failure, Loading, useRequest, type Api, type FathomStatus } from '@fathom-hubspot/ui-shared';
import { AiSection } from './AiSection';
import { DataSection } from './DataSection';
import { FathomSection } from './FathomSection';
import { PeopleSection } from './PeopleSection';
import { SyncSection } from './SyncSection';
import { WritebackSection } from './WritebackSection';

export { connectionLabel } from './FathomSection';

/**
 * The app's settings page, one section per concern: Fathom (the connection), sync (the log and
 * "Sync now"), people (roles), data (what is stored, and for how long). Admins finish the set-up
 * here; everyone else reads why they cannot. `hubId` is the portal's (HubSpot's context).
 */
export function SettingsView({ api, hubId }: { api: Api; hubId: number }) {
  const [fathom, reloadFathom] = useRequest(() => api.get<FathomStatus>('/api/settings/fathom'), 'fathom');
  if (fathom.status === 'loading') return <Loading label="Loading settings…" />;
  if (fathom.status === 'error' && fathom.error.code === 'forbidden') {
    return (
      <Flex direction="column" gap="sm">
        <Heading>Fathom for HubSpot</Heading>
        <Text>
          These settings are managed by your portal's admins: the Fathom connection, who is a manager or a rep, and the
          sync. Ask an admin if something here needs to change.
        </Text>
      </Flex>
    );
  }
  if (fathom.status === 'error') return <Failure error={fathom.error} onRetry={reloadFathom} />;
  return (
    <Flex direction="column" gap="md">
      <FathomSection api={api} status={fathom.data} onChange={reloadFathom} />
      <Divider />
      <SyncSection api={api} connected={fathom.data.connected} />
      <Divider />
      <PeopleSection api={api} />
      <Divider />
      <AiSection api={api} />
      <WritebackSection api={api} />
      <DataSection api={api} hubId={hubId} />
    </Flex>
  );
}
