/** The `.initnb` format in one import: strict reading, deterministic writing, VS Code mapping. */
export { readNotebook, parseNotebook, MAX_NOTEBOOK_BYTES, isJsonMime } from './readNotebook';
export type { ReadNotebookResult } from './readNotebook';
export { describeRepairs, isValidCellId } from './cellIds';
export type { NotebookRepair } from './cellIds';
export { MAX_JSON_DEPTH } from './jsonDepth';
export { serializeNotebook, toLines, joinLines } from './writeNotebook';
export { NotebookFormatError } from './notebookFormatError';
export { notebookToData, cellToData, dataToNotebook, dataToOutputs, outputToData, CellKind, CODE_LANGUAGE } from './notebookData';
export type { PlainNotebookData, PlainCell, PlainOutput, PlainOutputItem, OutputMetadata, PlainCellMetadata } from './notebookData';
export { stableStringify } from './stableJson';
