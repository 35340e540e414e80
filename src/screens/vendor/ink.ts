// `ink` for the console's ES modules, from the cached UI bundle (see ./load.ts).
import { ui } from './load.js';

export const { Box, Text, render, useApp, useInput, useStdin, useStdout } = ui.ink;
