/** Words as a person reads them: capitalised, counted, labelled; no code names on screen. */

export const capitalise = (text: string) => (text ? text.charAt(0).toUpperCase() + text.slice(1) : text);

/** "1 call", "2 calls"; `many` for irregular plurals. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** An analysis topic by its label: `decisionMakers` → "Decision makers", `next_steps` → "Next steps". */
export const topicLabel = (name: string) =>
  capitalise(
    name
      .replace(/_/g, ' ')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase(),
  );

/** A code value (status, category, outcome) as a label: `not_yet` → "Not yet". */
export const valueLabel = (value: string) => capitalise(value.replace(/_/g, ' '));

/** A duration as people say it: "42 s", "5 min", "1 h 30 min". */
export function humanDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const h = Math.floor(whole / 3600);
  const m = Math.round((whole % 3600) / 60);
  if (h === 0) return `${m} min`;
  return m ? `${h} h ${m} min` : `${h} h`;
}
