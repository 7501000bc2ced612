/**
 * A local stand-in for an OpenAI-compatible chat completions API (OpenAI, Azure OpenAI's v1 API,
 * vLLM, Ollama and llama.cpp serve the same shapes), for the AI review's tests and benchmark.
 *
 * Shapes, from OpenAI's API reference (Chat, "Create chat completion", and the `openai` SDK's
 * types generated from OpenAI's OpenAPI spec, resources/chat/completions/completions.d.ts and
 * shared.d.ts):
 *
 * - Request `POST {baseURL}/chat/completions`, `Authorization: Bearer <key>`, body with `model`,
 *   `messages` and `response_format`:
 *     "ResponseFormatJSONSchema: json_schema: Structured Outputs configuration options, including
 *      a JSON Schema. type: The type of response format being defined. Always `json_schema`."
 *     "JSONSchema.name: The name of the response format. Must be a-z, A-Z, 0-9, or contain
 *      underscores and dashes, with a maximum length of 64." ... "strict: Whether to enable
 *      strict schema adherence when generating the output."
 * - Answer: "ChatCompletion { id: A unique identifier for the chat completion; choices: A list of
 *   chat completion choices; created: The Unix timestamp (in seconds) of when the chat completion
 *   was created; model; object: The object type, which is always `chat.completion`; usage: Usage
 *   statistics for the completion request }", a choice being `{ index, message: { role:
 *   'assistant', content, refusal }, finish_reason, logprobs }` and usage `{ prompt_tokens,
 *   completion_tokens, total_tokens }`. The answer is typed with the SDK's own `ChatCompletion`,
 *   so it cannot drift from OpenAI's published shape.
 * - Errors: `{ "error": { "message", "type", "param", "code" } }` with the HTTP status; rate
 *   limits answer 429 with `retry-after` (seconds), as OpenAI's rate-limit guide describes.
 *
 * Each request takes the next scripted behaviour (`script`), else the default: answer well (with
 * the content the test's `answer` builds), answer text that is not JSON, 429, 500, or answer
 * after a delay. It records every request and never holds a connection after close().
 */
import type http from 'node:http';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { listen, type Listening } from './http.ts';

export type Behaviour =
  | { kind: 'answer' }
  | { kind: 'text'; content: string }
  | { kind: 'status'; status: 429 | 500 | 503 | 401 | 400; retryAfter?: string }
  | { kind: 'slow'; delayMs: number };

export type ChatRequest = {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name?: string; schema?: unknown; strict?: boolean } };
  max_tokens?: number;
  [key: string]: unknown;
};

export type RecordedRequest = { at: number; authorization: string | undefined; body: ChatRequest };

export type OpenAiStandIn = {
  /** What LLM_BASE_URL is set to: the server's `/v1`. */
  baseUrl: string;
  apiKey: string;
  requests: RecordedRequest[];
  /** Behaviours for the next requests, in order; then `fallback`. */
  script: Behaviour[];
  fallback: Behaviour;
  /** The most requests it ever held at once. */
  maxInFlight: number;
  close(): Promise<void>;
};

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  429: 'rate_limit_exceeded',
  500: 'server_error',
  503: 'server_error',
};

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const errorBody = (status: number, message: string) => ({
  error: { message, type: ERROR_TYPES[status] ?? 'server_error', param: null, code: null },
});

/**
 * `answer` builds the assistant's content (a JSON text) from the request; `promptTokensOf`
 * counts the prompt like a tokenizer would (default: four characters a token).
 */
export async function startOpenAiStandIn(options: {
  answer: (request: ChatRequest) => string;
  apiKey?: string;
  fallback?: Behaviour;
}): Promise<OpenAiStandIn> {
  const apiKey = options.apiKey ?? `sk-standin-${Math.random().toString(36).slice(2)}`;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const standIn: Omit<OpenAiStandIn, 'baseUrl' | 'close'> = {
    apiKey,
    requests,
    script: [],
    fallback: options.fallback ?? { kind: 'answer' },
    maxInFlight: 0,
  };
  let inFlight = 0;
  let sequence = 0;

  const completion = (request: ChatRequest, content: string): ChatCompletion => {
    const promptTokens = Math.ceil(request.messages.reduce((sum, m) => sum + m.content.length, 0) / 4);
    const completionTokens = Math.ceil(content.length / 4);
    return {
      id: `chatcmpl-standin${++sequence}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return send(res, 404, errorBody(404, `Unknown request URL: ${req.method} ${req.url}`));
    const authorization = req.headers.authorization;
    if (authorization !== `Bearer ${apiKey}`) return send(res, 401, errorBody(401, 'Incorrect API key provided.'));
    let body: ChatRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    } catch {
      return send(res, 400, errorBody(400, 'We could not parse the JSON body of your request.'));
    }
    requests.push({ at: Date.now(), authorization, body });
    if (typeof body.model !== 'string' || !Array.isArray(body.messages) || !body.messages.length)
      return send(res, 400, errorBody(400, "Missing required parameter: 'model' or 'messages'."));
    const format = body.response_format;
    if (
      format &&
      format.type === 'json_schema' &&
      (!format.json_schema?.name || !/^[\w-]{1,64}$/.test(format.json_schema.name))
    )
      return send(res, 400, errorBody(400, "Invalid 'response_format.json_schema.name'."));

    const behaviour = standIn.script.shift() ?? standIn.fallback;
    switch (behaviour.kind) {
      case 'answer':
        return send(res, 200, completion(body, options.answer(body)));
      case 'text':
        return send(res, 200, completion(body, behaviour.content));
      case 'status':
        return send(
          res,
          behaviour.status,
          errorBody(
            behaviour.status,
            behaviour.status === 429 ? 'Rate limit reached for requests.' : 'The server had an error.',
          ),
          behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {},
        );
      case 'slow':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (timers.delete(timer), resolve()), behaviour.delayMs);
          timers.add(timer);
        });
        if (!res.destroyed && !res.writableEnded) send(res, 200, completion(body, options.answer(body)));
        return;
    }
  };

  const listening: Listening = await listen((req, res) => {
    standIn.maxInFlight = Math.max(standIn.maxInFlight, ++inFlight);
    res.on('close', () => (inFlight -= 1));
    handle(req, res).catch(() => res.destroy());
  });
  return Object.assign(standIn, {
    baseUrl: `${listening.url}/v1`,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await listening.close();
    },
  });
}
