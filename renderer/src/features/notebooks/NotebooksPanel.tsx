import { EmptyState, Panel } from '../../ui';

/** SQL notebooks over the Parquet history (to come). */
export function NotebooksPanel() {
  return (
    <Panel title="Notebooks">
      <EmptyState title="Notebooks are on their way">
        SQL over months of Parquet history, offline: open an archive, ask anything, see the answer as a table, a chart or a layer on the map.
      </EmptyState>
    </Panel>
  );
}
