/**
 * nbformat 4.5 cell ids: 1-64 characters of letters, digits, `-` and `_`, unique in the notebook.
 *
 * Repairs follow nbformat's `validator.normalize` for 4.5: a cell whose id repeats an earlier
 * cell's gets a fresh random id (8 hex digits, as nbformat's `uuid4().hex[:8]`), and the earlier
 * cell keeps its id. nbformat refuses an id that breaks the pattern; InitLab gives it a fresh id
 * the same way instead, because refusing would lock the user out of their notebook over an id,
 * and the user is told of each repair.
 */
import { randomBytes } from 'node:crypto';
import type { NbCell } from '../shared/notebookFormat';

const CELL_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidCellId(id: unknown): id is string {
  return typeof id === 'string' && CELL_ID.test(id);
}

/** A change the reader made so the notebook is valid nbformat 4.5. */
export interface NotebookRepair {
  /** The index of the repaired cell. */
  cell: number;
  /** Where, as a JSON path such as `cells[3].id`. */
  where: string;
  /** What was wrong and what it became, in words. */
  problem: string;
}

/** Gives each cell with an invalid or repeated id a fresh one, in place, and says what changed. */
export function repairCellIds(cells: NbCell[]): NotebookRepair[] {
  const taken = new Set(cells.map((c) => c.id).filter((id) => id !== undefined));
  const firstUse = new Map<string, number>();
  const repairs: NotebookRepair[] = [];
  cells.forEach((cell, index) => {
    const id = cell.id;
    if (id === undefined) return; // the writer gives a cell without an id a stable one
    let problem: string | undefined;
    if (!isValidCellId(id)) {
      problem = `${JSON.stringify(id)} is not a valid cell id (nbformat 4.5 wants 1-64 letters, digits, "-" or "_")`;
    } else if (firstUse.has(id)) {
      problem = `${JSON.stringify(id)} is already the id of cells[${firstUse.get(id)}]`;
    } else {
      firstUse.set(id, index);
      return;
    }
    const fresh = freshCellId(taken);
    taken.add(fresh);
    cell.id = fresh;
    repairs.push({ cell: index, where: `cells[${index}].id`, problem: `${problem}, so it is now "${fresh}"` });
  });
  return repairs;
}

function freshCellId(taken: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!taken.has(id)) return id;
  }
}

/** One line per repair, for the CLI and VS Code's warning: `cells[3].id: "a b" is not … "1f0c9e2a"`. */
export function describeRepairs(repairs: readonly NotebookRepair[]): string[] {
  return repairs.map((r) => `${r.where}: ${r.problem}`);
}
