// `react/jsx-runtime` for the console's ES modules, from the cached UI bundle (see ./load.ts).
import { ui } from './load.js';

export const { Fragment, jsx, jsxs } = ui.jsxRuntime;
