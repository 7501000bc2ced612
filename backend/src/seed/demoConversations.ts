import type { IncomingConversation } from '../sync/incoming.ts';

// A small deterministic generator of realistic sales calls for local use (db:seed), so the cards
// and the API can be tried without HubSpot or Fathom.

function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Wonka', 'Tyrell'];
const BUYERS = ['Dana Diaz', 'Sam Okafor', 'Lee Chen', 'Ana Silva', 'Tom Berg', 'Priya Nair', 'Max Weber', 'Eva Novak'];
const KINDS = ['Discovery', 'Demo', 'Pricing review', 'Negotiation', 'Kick-off'];

const REP_LINES = [
  'Thanks for making the time today. What prompted you to take this call?',
  'How are you handling onboarding today?',
  'What would success look like for your team by the end of the quarter?',
  'Is budget already set aside for this?',
  'Our pricing is per seat, and the annual plan includes onboarding.',
  'Compared to Competitor X, we integrate natively with HubSpot.',
  'Who else is involved in the decision?',
  'So, um, basically the platform records and, like, summarises every call.',
  'Let me walk you through the dashboard quickly.',
  'Does that answer your question about security?',
  "I'll send the proposal by Friday. Can we schedule a follow-up next Tuesday?",
];
const BUYER_LINES = [
  'Our reps spend too much time writing notes after calls.',
  'Honestly the price seems high compared to what we pay now.',
  'We are also talking to Competitor X.',
  'Our timeline is to roll this out before the end of next quarter.',
  'I need to check with our VP of Sales before we commit.',
  'That makes sense. How long does implementation usually take?',
  'We have about forty reps across two teams.',
  'Security review is a must for us.',
  'Sounds good, Tuesday works.',
];

export type DemoPeople = { repEmails: string[]; contactIds: number[]; dealIds: number[] };

export function demoConversations(
  count: number,
  people: DemoPeople,
  now = new Date('2026-11-20T17:00:00Z'),
): IncomingConversation[] {
  const random = rng(20_261_125);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const company = COMPANIES[i % COMPANIES.length]!;
    const buyer = pick(BUYERS);
    const buyerEmail = `${buyer.split(' ')[0]!.toLowerCase()}@${company.toLowerCase()}.example.com`;
    const repEmail = people.repEmails[i % people.repEmails.length]!;
    const repName = repEmail
      .split('@')[0]!
      .replace(/\./g, ' ')
      .replace(/\b\w/g, (c) => c.toUpperCase());
    const startedAt = new Date(now.getTime() - (i * 26 + Math.floor(random() * 8)) * 3_600_000);
    const lines = 30 + Math.floor(random() * 40);
    const segments: IncomingConversation['segments'] = [];
    let clock = 0;
    for (let n = 0; n < lines; n++) {
      const repSpeaks = n % 2 === 0 ? random() < 0.85 : random() < 0.3;
      const text = n === lines - 2 ? REP_LINES[REP_LINES.length - 1]! : repSpeaks ? pick(REP_LINES) : pick(BUYER_LINES);
      segments.push({
        speakerName: repSpeaks || n === lines - 2 ? repName : buyer,
        speakerEmail: repSpeaks || n === lines - 2 ? repEmail : null,
        text,
        startSeconds: clock,
      });
      clock += 8 + Math.floor(random() * (repSpeaks ? 45 : 25));
    }
    const contactId = people.contactIds[i % people.contactIds.length]!;
    const dealId = people.dealIds[i % people.dealIds.length]!;
    const kind = KINDS[i % KINDS.length]!;
    return {
      externalId: `demo-${1000 + i}`,
      title: `${company} / ${kind}`,
      meetingTitle: `${company} ${kind.toLowerCase()} call`,
      url: `https://fathom.video/calls/demo-${1000 + i}`,
      shareUrl: `https://fathom.video/share/demo-${1000 + i}`,
      startedAt,
      endedAt: new Date(startedAt.getTime() + clock * 1000),
      durationSeconds: clock,
      recordedBy: { name: repName, email: repEmail },
      summaryMarkdown: `## ${kind} with ${company}\n- ${buyer} wants less time on call notes.\n- Pricing and timeline discussed.\n- Next step: proposal and follow-up call.`,
      language: 'en',
      actionItems: [
        {
          description: `Send ${company} the proposal`,
          completed: random() < 0.4,
          timestampSeconds: clock - 40,
          assigneeEmail: repEmail,
        },
        {
          description: 'Book the security review',
          completed: random() < 0.5,
          timestampSeconds: Math.floor(clock / 2),
          assigneeEmail: repEmail,
        },
      ],
      participants: [
        { name: repName, email: repEmail, isExternal: false },
        { name: buyer, email: buyerEmail, isExternal: true },
      ],
      segments,
      crmMatches: { contactIds: [contactId], dealIds: [dealId], companyIds: [] },
    };
  });
}
