// Stands in for react-devtools-core in scripts run by run-ts.mjs: Ink loads it only when DEV=true.
export default { initialize() {}, connectToDevTools() {} };
