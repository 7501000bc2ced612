import { Flex, Heading } from '@hubspot/ui-extensions';
import { usePageRoute } from '@hubspot/ui-extensions/pages';
import { CallDetail, useRequest, type CoachingList } from '@fathom-hubspot/ui-shared';
import { PageFrame } from './PageFrame';
import { usePagesEnv } from './pagesEnv';
import { ReceivedCoaching, type Received } from './ReceivedCoaching';

/**
 * One call at its own address (/calls/<id>): what its panel shows, and the coaching the viewer
 * received about it, which he can acknowledge here. A shared link opens it for whoever may see it.
 */
export function CallPage() {
  const { api, locale } = usePagesEnv();
  const id = usePageRoute().params.id ?? '';
  const [coaching, reload] = useRequest(() => api.get<Pick<CoachingList, 'items'>>('/api/home/coaching'), 'coaching');
  const mine =
    coaching.status === 'ready' ? coaching.data.items.filter((message) => message.conversationId === id) : [];
  return (
    <PageFrame title="Call">
      <CallDetail api={api} id={id} locale={locale} />
      {mine.length > 0 ? (
        <Flex direction="column" gap="sm">
          <Heading>Coaching you received on this call</Heading>
          {mine.map((message) => (
            <ReceivedCoaching key={message.id} message={message as Received} onChanged={reload} />
          ))}
        </Flex>
      ) : null}
    </PageFrame>
  );
}
