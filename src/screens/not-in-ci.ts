// Bundled in place of the is-in-ci package (scripts/build.mjs): certops starts the console only on a
// terminal it has checked itself, so Ink must render live frames even when CI is set.
export default false;
