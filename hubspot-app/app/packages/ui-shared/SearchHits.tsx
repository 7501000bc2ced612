import type { ReactNode } from 'react';
import { Flex, Heading, Link, Text, Tile } from '@hubspot/ui-extensions';
import { formatClock, formatDateTime, type Locale } from './format';
import type { SearchHit } from './searchTypes';

/**
 * Calls found by a search, each with the lines that matched; a line opens the recording at its
 * second. `titleOf` renders a call's title (the app pages make it a link to the Call page).
 */
export function SearchHits(props: { hits: SearchHit[]; locale: Locale; titleOf?: (hit: SearchHit) => ReactNode }) {
  const { hits, locale, titleOf } = props;
  return (
    <Flex direction="column" gap="sm">
      {hits.map((hit) => (
        <Tile key={hit.id} compact>
          <Flex direction="column" gap="xs">
            {titleOf ? titleOf(hit) : <Heading>{hit.title}</Heading>}
            <Text variant="microcopy">
              {[formatDateTime(hit.startedAt, locale), hit.repEmail].filter(Boolean).join(' · ')}
            </Text>
            {hit.moments.length === 0 ? <Text variant="microcopy">Found in the title or summary.</Text> : null}
            {hit.moments.map((moment) =>
              moment.playbackUrl ? (
                <Text key={moment.seconds}>
                  <Link href={{ url: moment.playbackUrl, external: true }}>{formatClock(moment.seconds)}</Link>
                  {` ${moment.text}`}
                </Text>
              ) : (
                <Text key={moment.seconds}>{`${formatClock(moment.seconds)} ${moment.text}`}</Text>
              ),
            )}
          </Flex>
        </Tile>
      ))}
    </Flex>
  );
}
