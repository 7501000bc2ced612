// autocannon in a child process: the load generator gets a process of its own instead of sharing
// the event loop of the servers it measures. (Not a worker thread: there autocannon skips
// aggregating its result, as it does for its own workers.) Every request is a fresh random card
// request (portal, rep, contact), signed as HubSpot signs it, with its own timestamp.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Signature } from '@hubspot/api-client';
import autocannon from 'autocannon';
import { cardPath, randomCardRequest, type CardRoute } from './cardData.ts';

export type LoadPlan = {
  /** The server's origin, e.g. http://127.0.0.1:4321 */
  origin: string;
  /** The backend's PUBLIC_BASE_URL, which HubSpot signs (the backend rebuilds the URL from it); origin by default. */
  signedOrigin?: string;
  clientSecret: string;
  portals: number;
  calls: number;
  seconds: number;
  connections: number;
  /** Which card route every request calls (default: the conversations list). */
  route?: CardRoute;
};

const self = fileURLToPath(import.meta.url);

/** What one load measured, and the CPU µs the load generator itself used for it. */
export type LoadResult = { result: autocannon.Result; loadMicros: number };

/** Runs one autocannon load against plan.origin in a child process and resolves with its result. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(self, { serialization: 'advanced' });
    child.once('message', (message) => resolve(message as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`the load process exited with code ${code}`)));
    child.send(plan);
  });
}

if (process.argv[1] === self && process.send) {
  const plan = await new Promise<LoadPlan>((resolve) =>
    process.once('message', (message) => resolve(message as LoadPlan)),
  );
  const cpuBefore = process.cpuUsage();
  const result = await autocannon({
    url: plan.origin,
    connections: plan.connections,
    duration: plan.seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          // HubSpot signs method + full URL + body + timestamp. The path's email is sent with a
          // literal '@', which HubSpot would decode before signing anyway.
          const path = cardPath(randomCardRequest(plan), plan.route, plan);
          const timestamp = Date.now();
          const signature = Signature.getSignature('GET', 'v3', {
            signature: '',
            clientSecret: plan.clientSecret,
            requestBody: '',
            url: `${plan.signedOrigin ?? plan.origin}${path}`,
            timestamp,
          });
          return {
            ...request,
            path,
            headers: {
              ...request.headers,
              'x-hubspot-request-timestamp': String(timestamp),
              'x-hubspot-signature-v3': signature,
            },
          };
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpuBefore);
  process.send({ result, loadMicros: cpu.user + cpu.system } satisfies LoadResult, () => process.disconnect());
}
