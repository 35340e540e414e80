/**
 * The console's third-party UI code (React, Ink and its layout engine) as one CommonJS bundle,
 * which ./load.ts runs through a V8 code cache. Node 20 caches compiled code for no ES module
 * (module.enableCompileCache came in Node 22), and this is most of the code the console's first
 * frame runs.
 */
import * as React from 'react';
import * as jsxRuntime from 'react/jsx-runtime';
import * as ink from 'ink';

export { startYoga } from './yoga.js';
export { React, jsxRuntime, ink };
// The screens' column counting (widgets/text.tsx): string-width behind the narrow-glyph fast path.
export { default as stringWidth } from 'string-width';
