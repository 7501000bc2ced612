import type { Client } from '@hubspot/api-client';
import { hubIdOf } from './accounts/hubIdOf.ts';
import { buildInfo } from './buildInfo.ts';
import type { Config } from './config.ts';
import { openAiReviewModel } from './coaching/review/reviewModel.ts';
import type { ReviewServices } from './coaching/review/reviewJobs.ts';
import type { FathomDeps } from './fathom/connection/types.ts';
import { fathomClientOf } from './fathom/connection/credentials.ts';
import { deleteFathomWebhookOfAccount } from './fathom/connection/disconnect.ts';
import { fathomTokens } from './fathom/connection/tokens.ts';
import type { HubSpotOAuth } from './hubspot/oauthPort.ts';
import { hubspotTokens, type HubSpotTokens } from './hubspot/tokens.ts';
import type { Sealer } from './crypto/sealer.ts';
import { encryptionKeys } from './crypto/encryptionKey.ts';
import { tokenCipher } from './crypto/tokenCipher.ts';
import type { Database } from './db/database.ts';
import { createFathomClient } from './fathom/client.ts';
import type { Clock } from './fathom/clock.ts';
import { observeQueues } from './jobs/queueMetrics.ts';
import { fathomOAuth } from './fathom/oauth.ts';
import { fathomConnectionLimiters } from './fathom/connectionLimiters.ts';
import type { HubSpotJobServices } from './hubspot/hubspotJobs.ts';
import { hubspotPortalClients } from './hubspot/portalClients.ts';
import { journalMetrics } from './hubspot/journalMetrics.ts';
import { journalToken } from './hubspot/journalToken.ts';
import { hubspotOAuth } from './hubspot/oauth.ts';
import { hubspotRecordLinker } from './hubspot/recordLinker.ts';
import { linkCacheFor, rememberingLinker } from './sync/linkCache.ts';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from './hubspot/scopes.ts';
import { NotConfigured } from './errors.ts';
import type { Logger } from './logger.ts';
import { countingFetch, createMetrics, observePool, recordBuildInfo, type Metrics } from './metrics.ts';
import { analyseForAccount } from './sync/analyseMeeting.ts';
import { fathomMeetingSource } from './sync/fathomSource.ts';
import { meetingFromWebhook } from './sync/meetingFromWebhook.ts';
import type { SyncServices } from './sync/syncJobs.ts';

export type Services = {
  sealer: Sealer;
  /** The account's @hubspot/api-client, with a fresh access token (one client and one limiter per portal, the least recently used forgotten). */
  hubspotClient(accountId: string): Promise<Client>;
  /** Undefined until HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET are set. */
  oauth: HubSpotOAuth | undefined;
  tokens: HubSpotTokens | undefined;
  fathom: FathomDeps;
  sync: SyncServices;
  /** This instance's Prometheus registry and counters (GET /metrics). */
  metrics: Metrics;
  /** Runs before an uninstall destroys the account's credentials: deletes its Fathom webhook. */
  beforeUninstall(accountId: string): Promise<void>;
  /** HubSpot's webhook events and lifecycle journal, for the job workers. */
  hubspotJobs: HubSpotJobServices;
  /** The AI review of calls; undefined without LLM_BASE_URL and LLM_MODEL (rules only). */
  review: ReviewServices | undefined;
};

/** The composition root: every long-lived collaborator, built once from the config. */
export function createServices(
  config: Config,
  db: Database,
  logger: Logger,
  options: { fathomClock?: Clock; modelTimeoutMs?: number } = {},
): Services {
  const metrics = createMetrics();
  recordBuildInfo(metrics, buildInfo(config.buildCommit));
  observePool(metrics, db);
  observeQueues(metrics, db);
  const { tokenEncryptionKey: configured, dataDir, databaseUrl } = config;
  const sealer = tokenCipher(encryptionKeys({ configured, dataDir, databaseUrl, logger }));
  const { clientId, clientSecret } = config.hubspot;
  const oauth =
    clientId && clientSecret
      ? hubspotOAuth({
          clientId,
          clientSecret,
          apiBase: config.hubspot.apiBase,
          authBase: config.hubspot.authBase,
          redirectUri: `${config.publicBaseUrl}/oauth/hubspot/callback`,
          scopes: REQUIRED_SCOPES,
          optionalScopes: OPTIONAL_SCOPES,
          fetch: countingFetch(metrics, 'hubspot'),
        })
      : undefined;
  const tokens = oauth ? hubspotTokens({ db, sealer, oauth }) : undefined;

  const limiters = fathomConnectionLimiters(options.fathomClock ? { clock: options.fathomClock } : {});
  const fathomClient: FathomDeps['fathomClient'] = (credentials, { limiterKey, onRetry } = {}) =>
    createFathomClient({
      baseUrl: config.fathom.apiBase,
      credentials,
      ...(options.fathomClock ? { clock: options.fathomClock } : {}),
      fetch: countingFetch(metrics, 'fathom'),
      ...(limiterKey ? { rateLimiter: limiters.limiterFor(limiterKey) } : {}),
      ...(onRetry ? { onRetry: (event) => onRetry(`retried ${event.operation}: ${event.cause}`) } : {}),
    });

  const fathomAuth =
    config.fathom.clientId && config.fathom.clientSecret
      ? fathomOAuth({
          clientId: config.fathom.clientId,
          clientSecret: config.fathom.clientSecret,
          authBase: config.fathom.authBase,
          redirectUri: `${config.publicBaseUrl}/oauth/fathom/callback`,
          fetch: countingFetch(metrics, 'fathom'),
        })
      : undefined;
  const fathom: FathomDeps = {
    db,
    sealer,
    fathomClient,
    oauth: fathomAuth,
    tokens: fathomAuth ? fathomTokens({ db, sealer, oauth: fathomAuth }) : undefined,
    publicBaseUrl: config.publicBaseUrl,
    logger,
  };

  const hubspotClients = hubspotPortalClients({ basePath: config.hubspot.apiBase, logger, metrics });
  const hubspotClient = async (accountId: string) => {
    if (!tokens) throw new NotConfigured('HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET are not set.');
    return hubspotClients.clientFor(accountId, await tokens.accessToken(accountId));
  };
  const sync: SyncServices = {
    db,
    logger,
    metrics,
    analyseFor: (accountId) => analyseForAccount(db, accountId),
    async sourceFor(accountId, incidents) {
      const { client, authType } = await fathomClientOf(fathom, accountId, (message) => incidents.push({ message }));
      return fathomMeetingSource(client, { hubId: await hubIdOf(db, accountId), authType });
    },
    async linkerFor(accountId) {
      if (!tokens) return undefined;
      let accessToken: string;
      try {
        accessToken = await tokens.accessToken(accountId);
      } catch (error) {
        // No usable HubSpot token (not installed, revoked, HubSpot down): Fathom's own matches still link.
        logger.warn({ accountId, err: { message: (error as Error).message } }, 'linking by email skipped');
        return undefined;
      }
      return rememberingLinker(
        hubspotRecordLinker(hubspotClients.clientFor(accountId, accessToken)),
        linkCacheFor(accountId),
      );
    },
    meetingFromWebhook: (accountId, payload) => meetingFromWebhook(fathom, accountId, payload),
  };

  const beforeUninstall = (accountId: string) => deleteFathomWebhookOfAccount(fathom, accountId);
  const { appId } = config.hubspot;
  const hubspotJobs: HubSpotJobServices = {
    db,
    logger,
    metrics,
    hubspotClient,
    journal:
      clientId && clientSecret && appId
        ? {
            db,
            logger,
            apiBase: config.hubspot.apiBase,
            appId,
            graceMs: config.uninstallGraceMs,
            token: journalToken({
              apiBase: config.hubspot.apiBase,
              clientId,
              clientSecret,
              fetch: countingFetch(metrics, 'hubspot'),
            }),
            metrics: journalMetrics(metrics.registry),
            beforeUninstall,
            fetch: countingFetch(metrics, 'hubspot'),
          }
        : undefined,
  };

  const review: ReviewServices | undefined = config.llm
    ? {
        db,
        logger,
        metrics,
        model: openAiReviewModel(config.llm, { timeoutMs: options.modelTimeoutMs ?? 60_000 }),
        dailyTokens: config.llm.dailyTokens,
      }
    : undefined;

  return { sealer, hubspotClient, oauth, tokens, fathom, sync, metrics, beforeUninstall, hubspotJobs, review };
}
