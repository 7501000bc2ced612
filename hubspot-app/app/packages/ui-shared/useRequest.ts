import { useCallback, useEffect, useReducer, useRef } from 'react';
import { ApiError } from './apiError';

export type RequestState<T> =
  { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; data: T; refreshing: boolean };

type Action<T> = { type: 'start' } | { type: 'done'; data: T } | { type: 'fail'; error: ApiError };

// A reload keeps what is on screen (refreshing) instead of swapping it for a spinner, so forms
// and scroll position survive an action.
function reducer<T>(state: RequestState<T>, action: Action<T>): RequestState<T> {
  if (action.type === 'start') return state.status === 'ready' ? { ...state, refreshing: true } : { status: 'loading' };
  if (action.type === 'done') return { status: 'ready', data: action.data, refreshing: false };
  return { status: 'error', error: action.error };
}

/**
 * Loads `load()` now and again whenever `key` changes (the request's identity, e.g. its path);
 * `reload()` runs it again. Answers of superseded requests are ignored.
 */
export function useRequest<T>(load: () => Promise<T>, key: string): [RequestState<T>, () => void] {
  const [state, dispatch] = useReducer(reducer<T>, { status: 'loading' });
  const latest = useRef(0);
  // The newest `load` (it closes over the newest props), without making `reload` change identity.
  const current = useRef(load);
  useEffect(() => {
    current.current = load;
  });
  const run = useCallback(() => {
    const id = ++latest.current;
    dispatch({ type: 'start' });
    current.current().then(
      (data) => id === latest.current && dispatch({ type: 'done', data }),
      (error: unknown) =>
        id === latest.current &&
        dispatch({
          type: 'fail',
          error: error instanceof ApiError ? error : new ApiError('unknown', 0, 'Something went wrong.'),
        }),
    );
  }, []);
  useEffect(run, [run, key]);
  return [state, run];
}
