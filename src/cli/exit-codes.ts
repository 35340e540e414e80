/** certops' exit codes (README, "Exit codes"). */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** The operation ran and found a problem (a failed check, a balance under the minimum). */
  problem: 1,
  /** Usage error: unknown flag or invalid value; the message names the flag and the rule. */
  usage: 2,
  /** Configuration problem: corrupt or unreadable config. */
  config: 3,
  /** Network or provider error: a provider could not be asked or did not answer as its API does. */
  network: 4,
  /** Busy: another certops process held a lock longer than this command would wait (--wait). */
  busy: 5,
  /** Interrupted: Ctrl+C (SIGINT), as shells report 128 + 2. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake in how certops was called. Its message names the flag and the rule. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` to point at. */
    readonly command?: string,
  ) {
    super(message);
  }
}
