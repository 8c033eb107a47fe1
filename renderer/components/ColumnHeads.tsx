/**
 * A data table's header row: one column header per name, then the actions column, named for screen
 * readers only (its cells hold buttons that name themselves).
 */
export function ColumnHeads({ columns, rowIndex }: { columns: readonly string[]; rowIndex?: number }) {
  return (
    <tr aria-rowindex={rowIndex}>
      {columns.map((column) => (
        <th key={column} scope="col">
          {column}
        </th>
      ))}
      <th scope="col">
        <span className="visually-hidden">Actions</span>
      </th>
    </tr>
  );
}
