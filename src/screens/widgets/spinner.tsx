/** A spinner that ticks slowly (over SSH every frame is bytes on the wire), with the console's one clock. */
import { Text } from 'ink';
import { TICK_MS, useClock } from './clock.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function Spinner() {
  const now = useClock();
  return <Text color="cyan">{FRAMES[Math.floor(now / TICK_MS) % FRAMES.length]}</Text>;
}
