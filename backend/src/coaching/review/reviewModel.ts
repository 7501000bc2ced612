import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { LlmConfig } from '../../config.ts';
import { parseRetryAfter } from '../../retryAfter.ts';
import { modelAnswer, type ModelAnswer } from './modelAnswer.ts';

export type ChatMessage = { role: 'system' | 'user'; content: string };
export type Usage = { promptTokens: number; completionTokens: number };

/** Why a request gave no review, in our words: nothing of the model's text, nothing of the key. */
export type ModelFailure =
  | { kind: 'rate_limited' | 'server_error'; status: number; retryAfterSeconds: number | null }
  | { kind: 'timeout' | 'unreachable' }
  | { kind: 'refused'; status: number }
  | { kind: 'not_schema'; usage: Usage | null };

export type ModelOutcome = { ok: true; answer: ModelAnswer; usage: Usage | null } | ({ ok: false } & ModelFailure);

export type ReviewModel = {
  model: string;
  /** Where transcripts are sent: the API's origin (no path, no credentials). */
  destination: string;
  /** Tokens the answer may take at most (asked of the model as max_tokens). */
  maxAnswerTokens: number;
  ask(messages: ChatMessage[]): Promise<ModelOutcome>;
};

export const MAX_ANSWER_TOKENS = 2_500;

/** Seconds from Retry-After (seconds or an HTTP date) or the non-standard retry-after-ms. */
export function retryAfterSeconds(headers: Headers | undefined, now = Date.now()): number | null {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const wait = parseRetryAfter(headers?.get('retry-after'), now);
  return wait === null ? null : wait / 1000;
}

/**
 * The configured OpenAI-compatible API through OpenAI's own client (`baseURL` reaches OpenAI,
 * Azure OpenAI's v1 API, vLLM, Ollama and llama.cpp alike). One request per review, answered in a
 * JSON schema; no retries here (the job retries later, honouring Retry-After, without holding a
 * worker); the client's own logging off, so nothing of a request reaches a log.
 */
export function openAiReviewModel(config: LlmConfig, options: { timeoutMs: number }): ReviewModel {
  const client = new OpenAI({
    baseURL: config.baseUrl,
    // Local servers need no key, but the client insists on one.
    apiKey: config.apiKey ?? 'no-key',
    timeout: options.timeoutMs,
    maxRetries: 0,
    logLevel: 'off',
  });
  const responseFormat = zodResponseFormat(modelAnswer, 'call_review');
  return {
    model: config.model,
    destination: new URL(config.baseUrl).origin,
    maxAnswerTokens: MAX_ANSWER_TOKENS,
    async ask(messages) {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      const started = Date.now();
      try {
        completion = await client.chat.completions.create({
          model: config.model,
          messages,
          response_format: { type: 'json_schema', json_schema: responseFormat.json_schema },
          max_tokens: MAX_ANSWER_TOKENS,
          temperature: 0,
        });
      } catch (error) {
        const failure = failureOf(error);
        // Where fetch reports the client's abort as a plain connection error, the clock tells.
        const timedOut = failure.kind === 'unreachable' && Date.now() - started >= options.timeoutMs * 0.95;
        return { ok: false, ...(timedOut ? { kind: 'timeout' } : failure) };
      }
      const usage = completion.usage
        ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
        : null;
      const content = completion.choices[0]?.message?.content;
      let json: unknown;
      try {
        json = JSON.parse(content ?? '');
      } catch {
        return { ok: false, kind: 'not_schema', usage };
      }
      const parsed = modelAnswer.safeParse(json);
      return parsed.success ? { ok: true, answer: parsed.data, usage } : { ok: false, kind: 'not_schema', usage };
    },
  };
}

function failureOf(error: unknown): ModelFailure {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof OpenAI.APIConnectionError) return { kind: 'unreachable' };
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const { status } = error;
    const retryAfter = retryAfterSeconds(error.headers);
    if (status === 429) return { kind: 'rate_limited', status, retryAfterSeconds: retryAfter };
    if (status >= 500 || status === 408) return { kind: 'server_error', status, retryAfterSeconds: retryAfter };
    return { kind: 'refused', status };
  }
  return { kind: 'unreachable' };
}
