/** certops' exit codes: one meaning each, in every command (README, "Exit codes"). */
import type { MailFailure } from '../core/messages/mail.js';
import type { FailureCause } from '../providers/types.js';

export const ExitCode = {
  /** Success. */
  ok: 0,
  /**
   * The operation ran and found a problem for a person to fix: a balance under the minimum, a
   * provider that answered and refused (credentials, IP address, locked account, its own error), a
   * stuck reissue, a failed deploy hook.
   */
  problem: 1,
  /** Usage error: unknown flag or invalid value; the message names the flag and the rule. */
  usage: 2,
  /** Configuration problem: a file certops keeps, or a module's own setting (its CA file), cannot be read or used. */
  config: 3,
  /** A provider (or the SMTP server) could not be reached, timed out, or did not answer as its API does: try again later. */
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

/**
 * Causes where the provider (or the SMTP server: MailFailure) could not be reached or did not
 * answer as its API does (exit 4). An SMTP server that refuses the login or the message
 * ('auth-failed', 'rejected') answered: 1, as a provider that refuses the credentials.
 */
const UNREACHED: ReadonlySet<string> = new Set<FailureCause | MailFailure | 'mail'>([
  'dns', 'refused', 'timeout', 'tls-untrusted', 'tls', 'network', 'http-status', 'unexpected-response', 'too-large',
  'mail', 'connection-refused', 'certificate', 'other',
]);
/** Causes in the module's own settings, found before anything was sent (exit 3). */
const SETTINGS: ReadonlySet<string> = new Set<FailureCause>(['configuration', 'insecure-url']);

/**
 * The exit code of a failed provider call, by its cause: 4 when the provider (or, for 'mail', the
 * SMTP server) could not be reached, timed out or did not answer as its API does; 3 when the
 * module's own settings cannot be used; else 1: the provider answered and refused (credentials,
 * IP address, locked account, its own error, an operation it does not support), or a cause a
 * person must look at.
 */
export function exitCodeOfCause(cause: string): ExitCode {
  if (UNREACHED.has(cause)) return ExitCode.network;
  if (SETTINGS.has(cause)) return ExitCode.config;
  return ExitCode.problem;
}

/**
 * The one code of a run whose parts ended differently (a module per provider): the smallest
 * non-zero one, so a problem found (1) wins over a setting to fix (3), which wins over a provider
 * to try again later (4): what needs a person comes first, and a cron job on `balance --notify`
 * reads 4 only when nothing but an unreachable provider went wrong.
 */
export function combinedExitCode(codes: Iterable<number>): number {
  let combined: number = ExitCode.ok;
  for (const code of codes) if (code !== ExitCode.ok && (combined === ExitCode.ok || code < combined)) combined = code;
  return combined;
}
