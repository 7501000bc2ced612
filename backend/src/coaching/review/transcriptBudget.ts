import type { ReviewLine } from './quotes.ts';

/**
 * Tokens a text costs, estimated: about four characters a token for English with the tokenizers
 * of OpenAI's and the common open models. An estimate on purpose: it must hold for any model
 * behind LLM_BASE_URL, and the answer's `usage` says what was really spent.
 */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

const clock = (seconds: number | null) => {
  if (seconds === null) return '--:--';
  const s = Math.floor(seconds);
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
};

/** One line as the model reads it: `[12:05 | 725 s] Dana (customer): …`. */
export const renderLine = (line: ReviewLine) =>
  `[${clock(line.startSeconds)}${line.startSeconds === null ? '' : ` | ${Math.floor(line.startSeconds)} s`}] ${line.speaker || 'Unknown'} (${
    line.isExternal === true ? 'customer' : line.isExternal === false ? 'rep' : 'unknown side'
  }): ${line.text}`;

export type FittedTranscript = { text: string; tokens: number; cut: boolean; linesKept: number };

const KEY_CONTEXT_LINES = 3;

/**
 * The transcript within a token budget. When it does not fit, lines are kept in this order until
 * the budget is spent: those around the key moments the rules analysis found (topics such as
 * pricing or objections, next steps), the opening and the close of the call, then the rest from
 * the start; what is left out is marked `[… n lines left out …]`, so the model knows.
 */
export function fitTranscript(
  lines: readonly ReviewLine[],
  keySeconds: readonly number[],
  budgetTokens: number,
): FittedTranscript {
  const rendered = lines.map(renderLine);
  const costs = rendered.map((line) => estimateTokens(line) + 1);
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total <= budgetTokens) return { text: rendered.join('\n'), tokens: total, cut: false, linesKept: lines.length };

  const priority = new Array<number>(lines.length).fill(3);
  const anchorOf = (seconds: number) => {
    let anchor = -1;
    lines.forEach((line, index) => {
      if (line.startSeconds !== null && line.startSeconds <= seconds) anchor = index;
    });
    return anchor;
  };
  for (const seconds of keySeconds) {
    const anchor = anchorOf(seconds);
    if (anchor < 0) continue;
    for (let i = Math.max(0, anchor - 1); i <= Math.min(lines.length - 1, anchor + KEY_CONTEXT_LINES); i++)
      priority[i] = Math.min(priority[i]!, i === anchor ? 0 : 1);
  }
  const edge = Math.max(2, Math.round(lines.length * 0.05));
  for (let i = 0; i < lines.length; i++)
    if (i < edge || i >= lines.length - 2 * edge) priority[i] = Math.min(priority[i]!, 2);

  // Within the opening and the close, outermost first and alternately, so a tight budget keeps both ends.
  const fromEdge = (index: number) => (priority[index] === 2 ? Math.min(index, lines.length - 1 - index) : index);
  const order = lines
    .map((_, index) => index)
    .sort((x, y) => priority[x]! - priority[y]! || fromEdge(x) - fromEdge(y) || x - y);
  const kept = new Set<number>();
  // The markers of left-out stretches cost a little too: keep a reserve for them.
  let spent = 200;
  for (const index of order) {
    if (spent + costs[index]! > budgetTokens) continue;
    kept.add(index);
    spent += costs[index]!;
  }
  const out: string[] = [];
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    if (kept.has(i)) {
      if (skipped) out.push(`[… ${skipped} lines left out …]`);
      skipped = 0;
      out.push(rendered[i]!);
    } else skipped += 1;
  }
  if (skipped) out.push(`[… ${skipped} lines left out …]`);
  const text = out.join('\n');
  return { text, tokens: estimateTokens(text), cut: true, linesKept: kept.size };
}
