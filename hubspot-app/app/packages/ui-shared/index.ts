export { ApiError, createApi, type Api, type Fetcher } from './api';
export { BACKEND_URL } from './config';
export { Empty, Failure, Loading } from './States';
export { useAction } from './useAction';
export { useRequest, type RequestState } from './useRequest';
export type * from './types';
export { formatClock, formatDate, formatDateTime, minutes, parseClock, type Locale } from './format';
export { Markdown } from './Markdown';
export { parseMarkdown } from './markdown';
