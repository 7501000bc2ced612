import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, Text } from '@hubspot/ui-extensions';
import type { ScoreComponent } from './types';

const LABELS: Record<string, string> = {
  talkRatio: 'Rep talk time',
  longestMonologue: 'Longest monologue',
  questions: 'Questions asked',
  openQuestions: 'Open questions',
  interactivity: 'Back and forth',
  fillers: 'Filler words',
  nextSteps: 'Next step agreed',
};

const percent = (value: number) => `${Math.round(value * 100)}%`;
const MEASURED: Record<string, (value: number) => string> = {
  talkRatio: percent,
  longestMonologue: (value) => `${Math.round(value)} s`,
  questions: (value) => String(value),
  openQuestions: percent,
  interactivity: (value) => `${value.toFixed(1)} switches a minute`,
  fillers: (value) => `${value.toFixed(1)} a minute`,
};

function measured(component: ScoreComponent): string {
  if (component.value === null) return 'not measured';
  if (typeof component.value === 'boolean') return component.value ? 'yes' : 'no';
  return (MEASURED[component.name] ?? String)(component.value);
}

/**
 * Why a call scored what it did: each rule, what it measured, and the points it earned out of
 * what it could earn (a rule that could not be measured leaves its share to the others).
 */
export function ScoreExplained({ breakdown }: { breakdown: ScoreComponent[] }) {
  const measuredWeight = breakdown.reduce((sum, c) => sum + (c.points === null ? 0 : c.weight), 0);
  return (
    <Table bordered={false}>
      <TableHead>
        <TableRow>
          <TableHeader>Rule</TableHeader>
          <TableHeader>Measured</TableHeader>
          <TableHeader>Points</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {breakdown.map((component) => (
          <TableRow key={component.name}>
            <TableCell>
              <Text>{LABELS[component.name] ?? component.name}</Text>
              <Text variant="microcopy">{component.rule}</Text>
            </TableCell>
            <TableCell>{measured(component)}</TableCell>
            <TableCell>
              {component.contribution === null || measuredWeight === 0
                ? '—'
                : `${Math.round(component.contribution)} of ${Math.round((100 * component.weight) / measuredWeight)}`}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
