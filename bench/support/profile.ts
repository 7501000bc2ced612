// A CPU profile of this process (node:inspector, the V8 sampling profiler) while some work runs,
// summarised as where the time of the requests went: each sample is charged to the nearest frame
// of its stack, from the leaf up, that belongs to a known part of a request (signature check,
// caller resolution, database driver, the card's own code, JSON, logging, metrics, validation,
// Express). Native and node: frames in between are passed over, so an HMAC digest counts as
// signature time and a socket write as the time of whoever wrote.
import { Session } from 'node:inspector/promises';

type CallFrame = { functionName: string; url: string };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const PARTS: Array<[part: string, url: RegExp]> = [
  ['signature (HubSpot v3 HMAC)', /src\/hubspot\/signature\.ts|src\/http\/signedRequest\.ts/],
  ['caller (resolve + tenant)', /src\/users\/|src\/db\/tenancy\.ts/],
  ['database (PGlite in this process)', /^wasm:\/\/|node_modules\/@electric-sql\//],
  [
    'database driver (pg)',
    /node_modules\/(pg|pg-protocol|pg-types|pg-pool|pg-connection-string|postgres-[a-z]+)\/|src\/db\/(postgres|pglite)\.ts/,
  ],
  ['card code (query, mapping)', /src\/(conversations|coaching|connections)\/|src\/http\/cardRoutes\.ts/],
  [
    'logging (pino, request log)',
    /node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|@pinojs)|src\/http\/requestLog\.ts|src\/logger\.ts/,
  ],
  [
    'metrics (prom-client)',
    /node_modules\/(prom-client|tdigest|bintrees)|src\/http\/metricsRoutes\.ts|src\/metrics\.ts/,
  ],
  ['validation (zod)', /node_modules\/zod\/|src\/http\/validate\.ts/],
  [
    'Express (routing, body, response)',
    /node_modules\/(express|router|body-parser|raw-body|qs|send|finalhandler|on-finished|statuses|content-type|type-is|accepts|mime-types|mime-db|parseurl|path-to-regexp|iconv-lite|debug|depd|etag|fresh|vary|proxy-addr|forwarded|media-typer|negotiator|encodeurl|escape-html|cookie|range-parser|setprototypeof|http-errors|merge-descriptors|utils-merge|call-bound|side-channel.*|get-intrinsic|es-errors|math-intrinsics)\/|src\/http\/(app|errorHandler|bodyLimit|rateLimits)\.ts/,
  ],
];
const JSON_NATIVES = new Set(['stringify', 'parse']);

function partOf(stack: CallFrame[]): string {
  const leaf = stack[0]!;
  if (leaf.functionName === '(idle)') return '(idle)';
  if (leaf.functionName === '(garbage collector)') return 'garbage collection';
  for (const frame of stack) {
    if (frame.url === '' && JSON_NATIVES.has(frame.functionName)) return 'JSON (stringify, parse)';
    const part = PARTS.find(([, url]) => url.test(frame.url));
    if (part) return part[0];
    if (frame.url === '' || frame.url.startsWith('node:')) continue;
    return 'other';
  }
  return leaf.functionName === '(program)' ? 'V8/native (unattributed)' : 'Node core (HTTP, sockets, event loop)';
}

export type ProfileSummary = {
  busyMs: number;
  idleMs: number;
  parts: Array<{ part: string; ms: number; share: number }>;
  /** The functions with the most self time: name, file (under node_modules or src), part. */
  top: Array<{ fn: string; ms: number; part: string }>;
};

export function summarise(profile: Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const partCache = new Map<number, string>();
  const totals = new Map<string, number>();
  const selfTimes = new Map<string, { ms: number; part: string }>();
  profile.samples.forEach((id, i) => {
    let part = partCache.get(id);
    if (!part) {
      const stack: CallFrame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
      part = partOf(stack);
      partCache.set(id, part);
    }
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totals.set(part, (totals.get(part) ?? 0) + ms);
    const frame = byId.get(id)!.callFrame;
    const where = frame.url.replace(/^.*\/(node_modules|src)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'} ${where}`;
    const self = selfTimes.get(key) ?? { ms: 0, part };
    self.ms += ms;
    selfTimes.set(key, self);
  });
  const idleMs = totals.get('(idle)') ?? 0;
  totals.delete('(idle)');
  const busyMs = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
  const parts = [...totals.entries()]
    .map(([part, ms]) => ({ part, ms, share: ms / busyMs }))
    .sort((x, y) => y.ms - x.ms);
  const top = [...selfTimes.entries()]
    .filter(([, self]) => self.part !== '(idle)')
    .map(([fn, self]) => ({ fn, ms: self.ms, part: self.part }))
    .sort((x, y) => y.ms - x.ms)
    .slice(0, 15);
  return { busyMs, idleMs, parts, top };
}

/** Runs work under the sampling profiler (every 100 µs) and summarises this process's CPU time. */
export async function profileDuring<T>(work: () => Promise<T>): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, summary: summarise(profile as unknown as Profile) };
  } finally {
    session.disconnect();
  }
}
