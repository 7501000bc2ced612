import type { ChatRequest } from './openAiStandIn.ts';

/**
 * What a model would answer to a review request, for the OpenAI stand-in: it reads the transcript
 * lines of the prompt (`[mm:ss | N s] Speaker (side): words`) the way a model reads them, and
 * quotes them. `goodAnswer` quotes lines word for word (with a typographic touch a model adds:
 * other case, doubled spaces); `inventedAnswer` quotes words nobody said.
 */
export function promptLines(request: ChatRequest): Array<{ seconds: number; text: string }> {
  const user = request.messages.find((message) => message.role === 'user')?.content ?? '';
  const lines: Array<{ seconds: number; text: string }> = [];
  for (const match of user.matchAll(/^\[[^\]|]*\| (\d+) s\] [^:]*: (.*)$/gm))
    if (match[2]!.length >= 16) lines.push({ seconds: Number(match[1]), text: match[2]! });
  return lines;
}

/** A MEDDICC element, an objection, a risk and a coaching point for each quote given. */
export function answerWith(quotes: Array<{ quote: string; seconds: number | null }>, echoes: string | null = null) {
  const [a, b, c] = [quotes[0]!, quotes[1] ?? quotes[0]!, quotes[2] ?? quotes[0]!];
  const missing = { status: 'missing', evidence: [] };
  return JSON.stringify({
    qualification: {
      metrics: { status: 'covered', evidence: [a] },
      economicBuyer: missing,
      decisionCriteria: { status: 'partly', evidence: [b] },
      decisionProcess: missing,
      identifiedPain: { status: 'covered', evidence: [a, c] },
      champion: missing,
      competition: missing,
    },
    objections: [{ objection: 'Price is high', handling: 'Tied it to time saved', handledWell: true, ...b }],
    risks: [{ risk: 'No economic buyer on the call', ...c }],
    coachingPoints: [
      {
        title: 'Quantify the pain',
        advice: 'Ask how many hours a week this costs.',
        category: 'discovery',
        ...a,
        echoesPastCoaching: echoes,
      },
      {
        title: 'Agree a next step',
        advice: 'Close with a dated follow-up.',
        category: 'next_steps',
        ...c,
        echoesPastCoaching: null,
      },
    ],
  });
}

export function goodAnswer(request: ChatRequest): string {
  const lines = promptLines(request);
  const quotes = lines.slice(0, 3).map((line, index) => ({
    // Models change case and spacing; the check forgives both.
    quote: index === 1 ? line.text.toUpperCase().replace(/ /g, '  ') : line.text,
    seconds: line.seconds,
  }));
  return answerWith(quotes.length ? quotes : [{ quote: 'nothing was said on this call', seconds: 0 }]);
}

export const INVENTED = 'We will sign the contract for the whole company tomorrow';

export function inventedAnswer(): string {
  return answerWith([
    { quote: INVENTED, seconds: 12 },
    { quote: 'Our board already approved the budget of two million', seconds: 40 },
    { quote: 'Your competitor is far too expensive for us', seconds: 80 },
  ]);
}
