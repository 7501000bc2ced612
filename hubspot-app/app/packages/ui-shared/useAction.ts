import { useState } from 'react';

/** Runs one user action at a time: `busy` while it runs, `problem` holds the message of a failure. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>, onDone?: () => void) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      onDone?.();
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run };
}
