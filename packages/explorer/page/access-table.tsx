import type { AccessMatrix } from '@permissions/model';
import { answerSymbol, answerWord, describePrincipal, KIND_LABEL } from './describe';

export interface CellChoice {
  principal: string;
  action: string;
}

/** Principals × actions, read from the chain's documents; every cell is a button that explains itself. */
export function AccessTable(props: {
  matrix: AccessMatrix;
  /** The signed-in principal, marked "you". */
  me: string;
  selected: CellChoice | null;
  onSelect: (choice: CellChoice) => void;
}) {
  const { matrix, selected } = props;
  if (matrix.rows.length === 0) {
    return <p>No principal is named for {matrix.property} on this resource's chain.</p>;
  }
  return (
    <div class="table-scroll">
      <table class="access">
        <caption>
          ✓ allowed, ✗ denied by a veto, – not granted. Team roles are not shown here; ask a question to include them.
        </caption>
        <thead>
          <tr>
            <th scope="col">Principal</th>
            {matrix.actions.map((action) => (
              <th scope="col" key={action}>
                {action}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.rows.map((row) => (
            <tr key={row.principal}>
              <th scope="row">
                <span class="principal-name">{describePrincipal(row.principal)}</span>
                <span class="kind">
                  {row.principal === props.me ? 'you · ' : ''}
                  {KIND_LABEL[row.kind]}
                  {row.teams.length > 0
                    ? ` · via ${row.teams.length === 1 ? 'team' : 'teams'} ${row.teams.join(', ')}`
                    : ''}
                </span>
              </th>
              {matrix.actions.map((action) => {
                const cell = row.cells[action];
                const restricted = cell.allowed === true && cell.onlyIssuers.length > 0;
                const isSelected = selected?.principal === row.principal && selected.action === action;
                return (
                  <td key={action} class={`answer-${String(cell.allowed)}`}>
                    <button
                      type="button"
                      class="cell"
                      aria-pressed={isSelected}
                      aria-label={`${describePrincipal(row.principal)}, ${action}: ${answerWord(cell.allowed)}${restricted ? ' for some issuers only' : ''}. Explain`}
                      onClick={() => props.onSelect({ principal: row.principal, action })}
                    >
                      {answerSymbol(cell.allowed)}
                      {restricted ? '*' : ''}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {matrix.rows.some((row) => Object.values(row.cells).some((c) => c.onlyIssuers.length > 0)) ? (
        <p class="hint">* only for members whose issuer is listed in the chain's validIssuers.</p>
      ) : null}
    </div>
  );
}
