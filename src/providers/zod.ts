/**
 * zod for certops: the zod/mini API (functions rather than methods, so the bundle carries only what
 * certops uses) with zod's English messages, which zod/mini does not load by itself. Every schema of
 * certops imports it as `import * as z from './zod.js'`.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
