import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../backend/src/config.ts';

describe('configuration', () => {
  test('defaults follow the design: port 3000, embedded database in ./.data, 15-minute sync', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(config.syncSchedule).toBe('*/15 * * * *');
    expect(config.hubspot.apiBase).toBe('https://api.hubapi.com');
    expect(config.fathom.apiBase).toBe('https://api.fathom.ai/external/v1');
    expect(config.fathom.authBase).toBe('https://fathom.video/external/v1');
  });

  test('an empty DATABASE_URL means the embedded database', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  test('a bad value stops with an error naming the variable, without echoing secrets', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ SYNC_SCHEDULE: 'every hour' })).toThrow(/SYNC_SCHEDULE: must be a five-field cron/);
  });

  test('production refuses to start without a token encryption key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TOKEN_ENCRYPTION_KEY/);
  });

  test('production refuses to start without HUBSPOT_APP_ID, naming it (no uninstall would ever be read)', () => {
    const key = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
    expect(() => loadConfig({ NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: key })).toThrow(
      /HUBSPOT_APP_ID: required when NODE_ENV=production/,
    );
    expect(loadConfig({ NODE_ENV: 'production', TOKEN_ENCRYPTION_KEY: key, HUBSPOT_APP_ID: '42' }).hubspot.appId).toBe(
      '42',
    );
    // Development and tests still start without it (the journal is simply not read).
    expect(loadConfig({}).hubspot.appId).toBeUndefined();
  });

  test('a database server without a token encryption key refuses to start, whatever NODE_ENV says, and says what to set', () => {
    for (const NODE_ENV of [undefined, 'development', 'test', 'production']) {
      const env = { DATABASE_URL: 'postgres://app@db.internal/app', ...(NODE_ENV ? { NODE_ENV } : {}) };
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/TOKEN_ENCRYPTION_KEY/);
    }
    expect(() => loadConfig({ DATABASE_URL: 'postgres://app@db.internal/app' })).toThrow(
      /TOKEN_ENCRYPTION_KEY: required when DATABASE_URL is set.*openssl rand -base64 32/s,
    );
    // The embedded trial (no DATABASE_URL) still starts without one: it generates a key into DATA_DIR.
    expect(loadConfig({}).tokenEncryptionKey).toBeUndefined();
    expect(
      loadConfig({ DATABASE_URL: 'postgres://app@db.internal/app', TOKEN_ENCRYPTION_KEY: 'a2V5' }).tokenEncryptionKey,
    ).toBe('a2V5');
  });

  test('base URLs lose their trailing slash so paths join cleanly', () => {
    const config = loadConfig({
      HUBSPOT_API_BASE: 'http://127.0.0.1:9999/',
      PUBLIC_BASE_URL: 'https://app.example.com/',
    });
    expect(config.hubspot.apiBase).toBe('http://127.0.0.1:9999');
    expect(config.publicBaseUrl).toBe('https://app.example.com');
  });

  test('RUN_WORKERS defaults to true and false makes a web-only process, which needs a PostgreSQL server', () => {
    expect(loadConfig({}).runWorkers).toBe(true);
    const key = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
    expect(
      loadConfig({ RUN_WORKERS: 'false', DATABASE_URL: 'postgres://app@db.internal/app', TOKEN_ENCRYPTION_KEY: key })
        .runWorkers,
    ).toBe(false);
    expect(() => loadConfig({ RUN_WORKERS: 'sometimes' })).toThrow(/RUN_WORKERS: must be true or false/);
    expect(() => loadConfig({ RUN_WORKERS: 'false' })).toThrow(/RUN_WORKERS: false needs DATABASE_URL/);
  });

  test('a metrics token, when set, must be long enough to be a secret', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(() => loadConfig({ METRICS_TOKEN: 'abc' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-scrape-token', METRICS_PORT: '9464' })).toMatchObject({
      metricsToken: 'a-long-enough-scrape-token',
      metricsPort: 9464,
    });
  });

  test('no proxy hop is trusted by default (1 behind a load balancer); the count is a small number', () => {
    expect(loadConfig({}).trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY_HOPS: '1' }).trustProxyHops).toBe(1);
    expect(loadConfig({ TRUST_PROXY_HOPS: '2' }).trustProxyHops).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY_HOPS: 'true' })).toThrow(/TRUST_PROXY_HOPS/);
  });
});

describe('SYNC_SCHEDULE', () => {
  test('a schedule cron cannot run is refused at start, naming the variable and what is wrong', () => {
    expect(() => loadConfig({ SYNC_SCHEDULE: '99 * * * *' })).toThrow(ConfigError);
    expect(() => loadConfig({ SYNC_SCHEDULE: '99 * * * *' })).toThrow(
      /SYNC_SCHEDULE: not a valid cron expression \(.*99.*0-59/,
    );
    expect(() => loadConfig({ SYNC_SCHEDULE: '0 25 * * *' })).toThrow(/SYNC_SCHEDULE: not a valid cron expression/);
    expect(() => loadConfig({ SYNC_SCHEDULE: '*/15 * * * * *' })).toThrow(/SYNC_SCHEDULE: must be a five-field cron/);
  });

  test('valid schedules pass as written', () => {
    for (const schedule of ['*/15 * * * *', '0 */2 * * 1-5', '30 3 * * SUN'])
      expect(loadConfig({ SYNC_SCHEDULE: schedule }).syncSchedule).toBe(schedule);
  });
});

test('shutdown: a 5 s drain and a 28 s deadline by default, both configurable in seconds', () => {
  expect(loadConfig({})).toMatchObject({ shutdownDrainMs: 5_000, shutdownTimeoutMs: 28_000 });
  expect(loadConfig({ SHUTDOWN_DRAIN_SECONDS: '0', SHUTDOWN_TIMEOUT_SECONDS: '60' })).toMatchObject({
    shutdownDrainMs: 0,
    shutdownTimeoutMs: 60_000,
  });
  expect(() => loadConfig({ SHUTDOWN_DRAIN_SECONDS: 'soon' })).toThrow(/SHUTDOWN_DRAIN_SECONDS/);
});
