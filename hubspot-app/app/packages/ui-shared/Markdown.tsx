import { Flex, Heading, Link, List, Text } from '@hubspot/ui-extensions';
import { parseMarkdown, type Inline } from './markdown';

function Inlines({ parts }: { parts: Inline[] }) {
  return (
    <>
      {parts.map((part, index) =>
        part.href ? (
          <Link key={index} href={{ url: part.href, external: true }}>
            {part.text}
          </Link>
        ) : (
          <Text key={index} inline format={part.bold ? { fontWeight: 'bold' } : undefined}>
            {part.text}
          </Text>
        ),
      )}
    </>
  );
}

/** Fathom's markdown summary as HubSpot components: headings, lists and text, never raw markdown. */
export function Markdown({ text }: { text: string }) {
  return (
    <Flex direction="column" gap="xs">
      {parseMarkdown(text).map((block, index) => {
        if (block.kind === 'heading') return <Heading key={index}>{block.text}</Heading>;
        if (block.kind === 'list') {
          return (
            <List key={index} variant={block.ordered ? 'ordered' : 'unordered'}>
              {block.items.map((item, position) => (
                <Text key={position}>
                  <Inlines parts={item} />
                </Text>
              ))}
            </List>
          );
        }
        return (
          <Text key={index}>
            <Inlines parts={block.inline} />
          </Text>
        );
      })}
    </Flex>
  );
}
