import { AsyncLocalStorage } from 'node:async_hooks';

type RequestContext = { requestId: string };

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs fn (and everything it starts, awaited or not) as part of the request with this id. */
export function runInRequest<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the request the current code serves, if any: the logger puts it on every line. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
