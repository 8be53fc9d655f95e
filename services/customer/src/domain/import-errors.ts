// What the import reports about a row: refusals of a cell, and refusals that apply only if the
// row creates a customer. Shared by the built-in columns and the custom field columns.

/** A cell the row cannot be imported with. */
export interface RowError {
  rowNo: number;
  column: string;
  value: string;
  message: string;
}

/** A refusal that applies only if the row creates a customer: a required field without a value. */
export interface CreateError {
  column: string;
  message: string;
}
