import { Alert, Flex, Text } from '@hubspot/ui-extensions';
import {
  CoachingForm,
  Empty,
  Failure,
  Loading,
  noAlerts,
  plural,
  useAction,
  useRequest,
  type AddAlert,
  type Api,
  type Coachable,
  type CoachingList,
  type CoachingMessage,
} from '@fathom-hubspot/ui-shared';
import { MessageTile, type Act } from './MessageTile';
import { RepTrend } from './RepTrend';

export type { CoachingMessage };

/** Coaching on this record's calls; what shows and which buttons depend on the viewer's role. */
export function CoachingView({
  api,
  objectType,
  objectId,
  addAlert = noAlerts,
}: {
  api: Api;
  objectType: 'contacts' | 'deals';
  objectId: number;
  /** HubSpot's actions.addAlert: where success messages go. */
  addAlert?: AddAlert;
}) {
  const query = `objectType=${objectType}&objectId=${objectId}`;
  const [state, reload] = useRequest(() => api.get<CoachingList>(`/api/cards/coaching?${query}`), query);
  const { busy, problem, run } = useAction();

  if (state.status === 'loading') return <Loading label="Loading coaching…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const { items, viewer, coachable } = state.data;
  const coach = viewer.role !== 'rep';
  const act: Act = (path, done, body) =>
    run(
      () => api.post(path, body),
      () => {
        addAlert({ type: 'success', message: done });
        reload();
      },
    );

  return (
    <Flex direction="column" gap="sm">
      {problem ? (
        <Alert title="That did not work" variant="error">
          {problem}
        </Alert>
      ) : null}
      {items.length === 0 ? (
        <Empty title="No coaching yet">
          {!coach
            ? 'No coaching for you on these calls yet.'
            : coachable && coachable.items.length > 0
              ? 'No coaching on the calls of this record yet. Write the first message below.'
              : 'No coaching on the calls of this record yet.'}
        </Empty>
      ) : (
        items.map((message) => <MessageTile key={message.id} message={message} viewer={viewer} busy={busy} act={act} />)
      )}
      {coach && coachable ? (
        <CoachForm
          api={api}
          coachable={coachable}
          role={viewer.role}
          onSaved={(message) => {
            addAlert({
              type: 'success',
              message: message.status === 'sent' ? `Coaching sent to ${message.repEmail}.` : 'Draft saved.',
            });
            reload();
          }}
        />
      ) : null}
      <RepTrend api={api} viewer={viewer} firstRep={items[0]?.repUserId} />
    </Flex>
  );
}

/** The form, with only the calls the coach may coach; without any, why not (before he writes). */
function CoachForm(props: {
  api: Api;
  coachable: Coachable;
  role: CoachingList['viewer']['role'];
  onSaved: (message: CoachingMessage) => void;
}) {
  const { api, coachable, role, onSaved } = props;
  if (coachable.calls === 0) return <Text>There are no calls with this record yet, so there is nothing to coach.</Text>;
  if (coachable.items.length === 0) {
    const calls = plural(coachable.calls, 'call');
    return (
      <Text>
        {role === 'manager'
          ? `You can coach the calls of your own reps only: none of this record's ${calls} was recorded by one of your reps.`
          : `You cannot coach your own calls: this record's ${calls} ${coachable.calls === 1 ? 'is' : 'are'} yours.`}
      </Text>
    );
  }
  return <CoachingForm api={api} calls={coachable.items} onSaved={onSaved} />;
}
