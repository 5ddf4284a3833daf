// The visual editor: build a 4-node DAG by clicking and dragging, see a cycle refused, save,
// run it and watch it succeed on the monitor. Filled in as the editor lands.
export const editorScenarios = [];
