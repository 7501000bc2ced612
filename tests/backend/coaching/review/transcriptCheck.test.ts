// The pure parts of the AI review: finding a model's quotes in the transcript, and cutting a
// long transcript to the token budget around its key moments.
import { describe, expect, test } from '@jest/globals';
import { quoteFinder, type ReviewLine } from '../../../../backend/src/coaching/review/quotes.ts';
import { estimateTokens, fitTranscript } from '../../../../backend/src/coaching/review/transcriptBudget.ts';

const line = (startSeconds: number, text: string, isExternal = false): ReviewLine => ({
  speaker: isExternal ? 'Bob Buyer' : 'Rita Rep',
  isExternal,
  text,
  startSeconds,
});

describe('quotes', () => {
  const find = quoteFinder([
    line(0, 'Thanks for joining. What prompted the call?'),
    line(6, 'Honestly the price seems  high compared to what we pay now.', true),
    line(14, 'How do you measure that today?'),
    line(20, 'How do you measure that today?'),
  ]);

  test('a quote counts when it occurs verbatim, whatever its case, spacing or quotation marks', () => {
    expect(find('the PRICE seems high\ncompared', 5)).toEqual({ text: 'the PRICE seems high\ncompared', seconds: 6 });
    expect(find('“the price seems high compared to what we pay now.”', null)?.seconds).toBe(6);
  });

  test('its second is the line it starts in, never the one the model said; of two, the nearest', () => {
    expect(find('What prompted the call?', 600)).toEqual({ text: 'What prompted the call?', seconds: 0 });
    expect(find('how do you measure that today', 19)?.seconds).toBe(20);
    expect(find('how do you measure that today', 2)?.seconds).toBe(14);
  });

  test('a quote across two lines counts; a paraphrase, a made-up line or a word too short does not', () => {
    expect(find('What prompted the call? Honestly the price', 0)?.seconds).toBe(0);
    expect(find('the price is too high compared to what we pay', 6)).toBeNull();
    expect(find('We will sign tomorrow for the whole company', 6)).toBeNull();
    expect(find('Thanks', 0)).toBeNull();
  });
});

describe('the token budget', () => {
  // A 60-minute call: a line every 6 seconds, 600 lines; pricing comes up at 30:00.
  const lines = Array.from({ length: 600 }, (_, i) =>
    line(
      i * 6,
      i === 300 ? 'What would the price be for forty seats on the annual plan?' : `Line ${i}: ${'words '.repeat(20)}`,
      i % 2 === 1,
    ),
  );

  test('a transcript within the budget is sent whole', () => {
    const fitted = fitTranscript(lines.slice(0, 20), [], 10_000);
    expect(fitted).toMatchObject({ cut: false, linesKept: 20 });
  });

  test('a longer one keeps the key moments, the opening and the close, and says what it left out', () => {
    const fitted = fitTranscript(lines, [1800], 3_000);
    expect(fitted.cut).toBe(true);
    expect(fitted.tokens).toBeLessThanOrEqual(3_000);
    expect(estimateTokens(fitted.text)).toBeLessThanOrEqual(3_000);
    expect(fitted.text).toContain('What would the price be for forty seats');
    expect(fitted.text).toContain('Line 0:');
    expect(fitted.text).toContain('Line 599:');
    expect(fitted.text).toMatch(/\[… \d+ lines left out …\]/);
    expect(fitted.linesKept).toBeLessThan(600);
  });
});
