// LLM_*: unset is rules only; the URL and the model go together; the key is never echoed.
import { expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../../../backend/src/config.ts';

test('without LLM_* there is no model: rules only', () => {
  expect(loadConfig({}).llm).toBeUndefined();
  expect(loadConfig({ LLM_BASE_URL: '', LLM_MODEL: ' ' }).llm).toBeUndefined();
});

test('an OpenAI-compatible URL and a model configure it, with a daily budget of 2,000,000 tokens by default', () => {
  expect(loadConfig({ LLM_BASE_URL: 'http://localhost:11434/v1/', LLM_MODEL: 'qwen2.5:14b' }).llm).toEqual({
    baseUrl: 'http://localhost:11434/v1',
    model: 'qwen2.5:14b',
    apiKey: undefined,
    dailyTokens: 2_000_000,
  });
  expect(
    loadConfig({ LLM_BASE_URL: 'https://api.openai.com/v1', LLM_MODEL: 'gpt-4.1-mini', LLM_DAILY_TOKENS: '50000' }).llm
      ?.dailyTokens,
  ).toBe(50_000);
});

test('one without the other, or a bad URL or budget, is refused at start without echoing the key', () => {
  const key = 'sk-secret-0123456789abcdef';
  expect(() => loadConfig({ LLM_BASE_URL: 'http://localhost:8000/v1', LLM_API_KEY: key })).toThrow(ConfigError);
  expect(() => loadConfig({ LLM_MODEL: 'm', LLM_API_KEY: key })).toThrow(/LLM_BASE_URL and LLM_MODEL/);
  expect(() => loadConfig({ LLM_BASE_URL: 'ftp://x', LLM_MODEL: 'm' })).toThrow(/LLM_BASE_URL/);
  expect(() => loadConfig({ LLM_BASE_URL: 'http://x/v1', LLM_MODEL: 'm', LLM_DAILY_TOKENS: 'lots' })).toThrow(
    /LLM_DAILY_TOKENS/,
  );
  try {
    loadConfig({ LLM_MODEL: 'm', LLM_API_KEY: key });
  } catch (error) {
    expect((error as Error).message).not.toContain(key);
  }
});
