/**
 * One full garbage collection after the console has built something big (the timeline of a large
 * inventory). V8 sizes its next collection from the heap at its largest, so after a build of
 * ~100 MB of short-lived objects it lets the garbage of each keystroke's frame pile up to that size
 * before it collects: measured at 100 000 certificates, a minute of scrolling took the process
 * from 213 to 295 MiB; one collection after the build keeps it at ~242 MiB. Node exposes gc()
 * only behind --expose-gc, which V8 accepts at run time.
 */
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

// node:v8 when first needed: the console's first frame has no use for it.
const require = createRequire(import.meta.url);

/** Above this many timeline entries a collection is worth its pause (~50 ms at 100 000). */
export const BIG_BUILD = 20_000;

let collect: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/** After the frame that shows it: the build's garbage goes, the operator does not wait for it. */
export function collectAfterBigBuild(size: number): void {
  if (size >= BIG_BUILD) setTimeout(collectGarbage, 20).unref?.();
}
