/**
 * The one table of exit codes (README, "Exit codes"): what each provider failure cause means, and
 * which code a run whose parts ended differently gives.
 */
import { describe, expect, it } from 'vitest';
import { CAUSE_LABELS } from '../../src/core/check.js';
import { combinedExitCode, ExitCode, exitCodeOfCause } from '../../src/cli/exit-codes.js';

describe('exit codes', () => {
  it('gives every provider failure cause the code the README table says', () => {
    const byCode = (code: number) => Object.keys(CAUSE_LABELS).filter((cause) => exitCodeOfCause(cause) === code).sort();
    // The provider answered and refused: a person must fix something.
    expect(byCode(ExitCode.problem)).toEqual(['account-locked', 'credentials', 'ip-not-allowed', 'provider-error', 'unsupported']);
    // The module's own settings cannot be used.
    expect(byCode(ExitCode.config)).toEqual(['configuration', 'insecure-url']);
    // Not reached, or not an answer of its API: try again later.
    expect(byCode(ExitCode.network)).toEqual(['dns', 'http-status', 'network', 'refused', 'timeout', 'tls', 'tls-untrusted', 'too-large', 'unexpected-response']);
  });

  it('treats the SMTP server as a provider: refused login or message 1, unreachable 4, its settings 3', () => {
    expect(['auth-failed', 'rejected'].map(exitCodeOfCause)).toEqual([1, 1]);
    expect(['connection-refused', 'timeout', 'dns', 'tls', 'certificate', 'other', 'mail'].map(exitCodeOfCause)).toEqual([4, 4, 4, 4, 4, 4, 4]);
    expect(exitCodeOfCause('configuration')).toBe(3);
  });

  it('lets the smallest non-zero code win when the parts of a run end differently', () => {
    expect(combinedExitCode([])).toBe(0);
    expect(combinedExitCode([0, 0])).toBe(0);
    expect(combinedExitCode([0, 4, 0])).toBe(4);
    expect(combinedExitCode([4, 1, 0])).toBe(1);
    expect(combinedExitCode([4, 3])).toBe(3);
    expect(combinedExitCode([3, 1, 4])).toBe(1);
  });
});
