/**
 * "Discard the changes? y/n" before Esc leaves a screen with unsaved edits: an Esc typed by habit
 * (or arriving with a chunk of keys over SSH) must not throw away what the operator typed.
 */
import { Text } from 'ink';
import type { Key } from 'ink';
import { useState } from 'react';

export const DISCARD_QUESTION = 'Discard the changes? y/n';
export const DISCARD_HINTS = 'y discard  n or Esc keep editing';

export interface DiscardQuestion {
  readonly asking: boolean;
  /**
   * Esc on a screen: leaves at once when nothing changed, else asks. While asking, takes every key:
   * y leaves (the changes are lost), n or Esc stays, any other key is ignored. True when the key was used.
   */
  handle(input: string, key: Key, changed: boolean, leave: () => void): boolean;
}

export function useDiscardQuestion(): DiscardQuestion {
  const [asking, setAsking] = useState(false);
  return {
    asking,
    handle(input, key, changed, leave) {
      if (asking) {
        // The question is asked in text mode (no "q quit" promised while it waits): a chunk of
        // letters arrives whole, and its first letter answers.
        if (/^y/i.test(input)) {
          setAsking(false);
          leave();
        } else if (/^n/i.test(input) || key.escape) setAsking(false);
        return true;
      }
      if (!key.escape) return false;
      if (changed) setAsking(true);
      else leave();
      return true;
    },
  };
}

export function DiscardLine() {
  return (
    <Text color="yellow" bold>
      {DISCARD_QUESTION}
    </Text>
  );
}
