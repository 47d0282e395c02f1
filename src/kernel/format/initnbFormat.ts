/** The `.initnb` format in one import: strict reading, deterministic writing, VS Code mapping. */
export { parseNotebook, MAX_NOTEBOOK_BYTES, isJsonMime } from './readNotebook';
export { serializeNotebook, toLines, joinLines } from './writeNotebook';
export { NotebookFormatError } from './notebookFormatError';
export { notebookToData, cellToData, dataToNotebook, dataToOutputs, outputToData, CellKind, CODE_LANGUAGE } from './notebookData';
export type { PlainNotebookData, PlainCell, PlainOutput, PlainOutputItem, OutputMetadata, PlainCellMetadata } from './notebookData';
export { stableStringify } from './stableJson';
