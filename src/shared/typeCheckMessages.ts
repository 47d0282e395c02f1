/**
 * Cells' type errors, and the messages between the extension host and the worker that finds
 * them (src/typeCheck/typeCheckWorker.ts). Positions are 0-based, in the cell's own text.
 */
export interface CellTypeError {
  message: string;
  /** TypeScript's error number (TS2322...). */
  code: number;
  severity: 'error' | 'warning';
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Extension → worker: check these cells of one notebook (all its TypeScript cells, in order). */
export interface CheckRequest {
  readonly type: 'check';
  readonly id: number;
  readonly notebook: string;
  readonly cells: readonly string[];
}

/** Extension → worker: forget a closed notebook. */
export interface ForgetRequest {
  readonly type: 'forget';
  readonly notebook: string;
}

export type TypeCheckRequest = CheckRequest | ForgetRequest;

/** Worker → extension: the errors of each cell of a CheckRequest, in its order. */
export interface CheckResponse {
  readonly type: 'checked';
  readonly id: number;
  readonly cells: CellTypeError[][];
  /** How long the check took in the worker. */
  readonly ms: number;
  /** Set when the check itself failed: no errors are known then. */
  readonly failure?: string;
}
