// `react` for the console's ES modules, from the cached UI bundle (see ./load.ts).
import { ui } from './load.js';

export const { createContext, Fragment, memo, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } = ui.React;
export default ui.React;
