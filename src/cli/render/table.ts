import Table from 'cli-table3';

/** The one home of cli-table3: a table from a header and rows of cells. */
export function renderTable(head: string[], rows: string[][], options: { colors: boolean }): string {
  const table = new Table({
    head,
    style: { head: options.colors ? ['cyan', 'bold'] : [], border: options.colors ? ['grey'] : [], compact: false },
  });
  table.push(...rows);
  return table.toString();
}

/** Two columns, key and value, for `show`. */
export function renderDetails(rows: Array<[string, string]>, options: { colors: boolean }): string {
  const table = new Table({ style: { head: [], border: options.colors ? ['grey'] : [] } });
  for (const [key, value] of rows) table.push({ [key]: value });
  return table.toString();
}
