// Deterministic console rendering: Ink reads CI once at import (is-in-ci) and would then only write
// the last frame; colours are off so snapshots hold the text a person reads.
delete process.env.CI;
process.env.FORCE_COLOR = '0';
