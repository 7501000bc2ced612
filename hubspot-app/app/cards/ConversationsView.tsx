import { Alert, Button, Flex } from '@hubspot/ui-extensions';
import {
  Empty,
  Failure,
  Loading,
  useRequest,
  type Api,
  type ConversationItem,
  type ConversationPage as Page,
  type CrmObjectType,
  type Locale,
} from '@fathom-hubspot/ui-shared';
import { CallSearch } from './CallSearch';
import { CallsTable } from './CallsTable';
import { RecordStatistics } from './RecordStatistics';

export type { ConversationItem };

const PAGE_SIZE = 10;

type Props = {
  api: Api;
  objectType: CrmObjectType;
  objectId: number;
  /** The viewer's locale and the portal's time zone (HubSpot's context). */
  locale?: Locale;
};

/** The calls with this record, newest first; each opens in HubSpot's side panel. */
export function ConversationsView({ api, objectType, objectId, locale = {} }: Props) {
  const base = `/api/cards/conversations?objectType=${objectType}&objectId=${objectId}&limit=${PAGE_SIZE}`;
  const [state, reload] = useRequest(() => api.get<Page>(base), base);
  const statistics =
    objectType === 'contacts' ? null : (
      <RecordStatistics api={api} objectType={objectType} objectId={objectId} locale={locale} />
    );

  if (state.status === 'loading') return <Loading label="Loading calls…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const page = state.data;
  const admin = page.viewer.role === 'admin';
  const notice = fathomNotice(page, admin);
  if (page.items.length === 0) {
    if (page.fathom === 'not_connected') return <NotConnected admin={admin} settingsUrl={page.settingsUrl} />;
    if (notice) return notice;
    return <Empty title="No calls yet">No recorded calls with this record yet.</Empty>;
  }
  return (
    <Flex direction="column" gap="sm">
      {notice}
      {statistics}
      {page.nextCursor ? <CallSearch api={api} objectType={objectType} objectId={objectId} locale={locale} /> : null}
      <CallsTable api={api} base={base} first={page} locale={locale} />
    </Flex>
  );
}

/** Why new calls are not arriving, above the calls already synced. */
function fathomNotice(page: Page, admin: boolean) {
  if (page.fathom === 'needs_reauth') {
    return (
      <Alert title="New calls are not syncing" variant="warning">
        {admin
          ? 'Fathom no longer accepts this app’s access. Reconnect Fathom in the app settings; the calls below stay.'
          : 'Fathom needs to be reconnected by an admin of this portal; the calls below stay.'}
      </Alert>
    );
  }
  if (page.fathom === 'not_connected') {
    return (
      <Alert title="Fathom is not connected" variant="info">
        {admin
          ? 'New calls are not arriving. Connect Fathom in the app settings; the calls below stay.'
          : 'New calls are not arriving until an admin of this portal connects Fathom; the calls below stay.'}
      </Alert>
    );
  }
  return null;
}

/** No connection is not "no calls": say so, and to an admin where to connect. */
function NotConnected({ admin, settingsUrl }: { admin: boolean; settingsUrl: string | undefined }) {
  if (!admin) {
    return (
      <Empty title="Fathom is not connected">
        Calls with this record appear here once an admin of this portal connects Fathom in the app settings.
      </Empty>
    );
  }
  return (
    <Flex direction="column" gap="sm">
      <Empty title="Connect Fathom">
        Fathom is not connected yet. Connect it in the app settings, and calls with this record will appear here.
      </Empty>
      {settingsUrl ? <Button href={{ url: settingsUrl, external: false }}>Open the app settings</Button> : null}
    </Flex>
  );
}
