/**
 * Polls `check` every 100 ms until it holds. The error names what was awaited and, when given,
 * what `describe` says of it then (a child's stderr, the rows so far). The default deadline
 * only matters when the test is failing.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  options: { timeoutMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 45_000;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${options.describe ? `: ${await options.describe()}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
