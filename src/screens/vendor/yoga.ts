/**
 * yoga-layout as the CommonJS UI bundle sees it (scripts/build.mjs points Ink's `yoga-layout` here).
 * The package's own entry awaits its WebAssembly at the top level, which CommonJS cannot do; this
 * object gets the same contents when `yogaReady` settles, and ./load.ts awaits that before any
 * screen renders (Ink creates layout nodes only when it renders).
 */
import { loadYoga } from 'yoga-layout/load';
import * as enums from 'yoga-layout/load';

const Yoga: Record<string, unknown> = { ...enums };
export default Yoga;
export * from 'yoga-layout/load';

export const yogaReady: Promise<void> = loadYoga().then((yoga) => {
  Object.assign(Yoga, yoga);
});
