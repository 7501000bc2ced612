// The three forms of an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 form and
// asctime's. Each begins with the day's name; asctime's carries no zone, and means GMT.
const IMF_OR_RFC850 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*, .+ GMT$/;
const ASCTIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * How long a `Retry-After` header asks to wait, in milliseconds: `delay-seconds` or an HTTP-date
 * (RFC 9110 §10.2.3), a date in the past being no wait. Null when absent or neither form.
 * Fractional seconds, which some servers send, are read too and rounded up.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = IMF_OR_RFC850.test(text) ? text : ASCTIME.test(text) ? `${text} GMT` : null;
  const at = date === null ? NaN : Date.parse(date);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
