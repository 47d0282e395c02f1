/** A `.initnb` file that InitLab cannot read. The message names the problem and where it is. */
export class NotebookFormatError extends Error {
  override readonly name = 'NotebookFormatError';
  constructor(
    readonly problem: string,
    /** A JSON path such as `cells[3].outputs[0].output_type`, or a line and column. */
    readonly where: string,
    readonly fileName?: string,
  ) {
    super(`${fileName ? `${fileName}: ` : ''}${where ? `${where}: ` : ''}${problem}`);
  }
}
