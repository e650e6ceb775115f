import { addCell, getNotebook, openNotebook } from './notebook-state';
import { useQueryHistory, useRecentNotebooks } from './notebook-history';

const ago = (at: number) => new Date(at).toLocaleString();

/** Queries run lately (put one in a new cell), and notebooks saved or opened lately (open one again). */
export function NotebookHistory() {
  const queries = useQueryHistory();
  const recent = useRecentNotebooks();
  return (
    <>
      {recent.length > 0 && (
        <details className="nb-history">
          <summary>Recent notebooks ({recent.length})</summary>
          <ul aria-label="Recent notebooks">
            {recent.map((n) => (
              <li key={n.name}>
                <button
                  onClick={() => {
                    if (!getNotebook().dirty || confirm(`“${getNotebook().name}” has changes not saved to a file. Open “${n.name}” all the same?`))
                      openNotebook(n.name, n.text);
                  }}
                >
                  {n.name}
                </button>{' '}
                <span className="muted">{ago(n.at)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {queries.length > 0 && (
        <details className="nb-history">
          <summary>Query history ({queries.length})</summary>
          <ul aria-label="Query history">
            {queries.slice(0, 50).map((q) => (
              <li key={`${q.at}-${q.sql}`}>
                <code title={q.sql}>{q.sql.replace(/\s+/g, ' ').slice(0, 90)}</code>
                <span className="muted">
                  {' '}
                  {ago(q.at)} · {q.error ? q.error.slice(0, 80) : `${(q.rows ?? 0).toLocaleString()} rows in ${(q.ms ?? 0).toLocaleString()} ms`}
                </span>{' '}
                <button aria-label={`Put in a new cell: ${q.sql.slice(0, 40)}`} onClick={() => addCell('sql', q.sql)}>
                  Use
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
