import { Client } from '@hubspot/api-client';
import type Bottleneck from 'bottleneck';
import type { Logger } from '../logger.ts';
import { countApiCall, type Metrics } from '../metrics.ts';
import { portalWindow } from './portalWindow.ts';

type Decorator = {
  decorate(method: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => Promise<unknown>;
};
type RetryWait = { _waitAfterRequestFailure(status: number, retry: number, delayMs: number): Promise<unknown> };

/** The HTTP status of one attempt: apiRequest answers a Response; the generated APIs throw an ApiException with `code`. */
function statusOf(outcome: { value?: unknown; error?: unknown }): number | null {
  if ('error' in outcome) {
    const code = (outcome.error as { code?: unknown } | null)?.code;
    return typeof code === 'number' ? code : null;
  }
  const status = (outcome.value as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : 200;
}

/**
 * An @hubspot/api-client Client whose every attempt (its retries included, after its limiter's
 * wait) is counted and timed, for the generated APIs and apiRequest alike, and whose retry notices
 * go to our logger. The library prints those with console.error from its RetryDecorator and offers
 * no option for it; the decorator's wait is replaced here, same delay (the library's delay times
 * the attempt number), a log line instead of the print.
 */
export function createHubSpotClient(options: {
  basePath: string;
  logger: Logger;
  metrics: Metrics;
  /** Paces this client's apiRequest calls (one limiter per portal: hubspot/portalClients.ts). */
  limiter?: Bottleneck;
}): Client {
  const { logger, metrics, limiter } = options;
  const rollingWindow = portalWindow();
  const timing: Decorator = {
    decorate:
      (method) =>
      async (...args) => {
        const started = process.hrtime.bigint();
        const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
        try {
          const value = await method(...args);
          countApiCall(metrics, 'hubspot', statusOf({ value }), seconds());
          return value;
        } catch (error) {
          countApiCall(metrics, 'hubspot', statusOf({ error }), seconds());
          throw error;
        }
      },
  };
  class ObservedClient extends Client {
    // Called by the constructor and by every setAccessToken (the library rebuilds its decorators then).
    protected override getDecorators() {
      const decorators = super.getDecorators();
      for (const decorator of decorators) {
        if (!('_waitAfterRequestFailure' in decorator)) continue;
        (decorator as unknown as RetryWait)._waitAfterRequestFailure = (status, retry, delayMs) => {
          logger.warn({ provider: 'hubspot', status, retry, waitMs: delayMs * retry }, 'HubSpot call failed: retrying');
          return new Promise((resolve) => setTimeout(resolve, delayMs * retry));
        };
      }
      // First in the list is innermost: each attempt is timed without the limiter's queueing.
      return [timing, ...decorators];
    }
    // The library keeps its decorators process-wide (every constructor and setAccessToken replaces
    // them), so its own limiter would be one for all portals, and a new one at every token; the
    // portal's limiter is applied here instead, around each request (each attempt of crmApi.ts).
    // Each request waits, in its limiter slot, for a window an earlier answer said was spent
    // (X-HubSpot-RateLimit-Remaining: 0): every slot waits, so none goes out before the window ends.
    override apiRequest(...args: Parameters<Client['apiRequest']>) {
      const request = async () => {
        await rollingWindow.wait();
        const response = await super.apiRequest(...args);
        rollingWindow.learn(response);
        return response;
      };
      return limiter ? limiter.schedule(request) : request();
    }
  }
  return new ObservedClient({ basePath: options.basePath, numberOfApiCallRetries: 3 });
}
