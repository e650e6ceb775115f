import { setUi, useUi, type PanelId } from './ui-store';

export const PANELS: { id: PanelId; title: string; icon: string; shortcut: string }[] = [
  { id: 'heatmap', title: 'Heatmap', icon: '⬢', shortcut: 'h' },
  { id: 'fences', title: 'Fences', icon: '◇', shortcut: 'f' },
  { id: 'deliveries', title: 'Deliveries', icon: '⇶', shortcut: 'd' },
  { id: 'notebooks', title: 'Notebooks', icon: '▤', shortcut: 'n' },
];

/** Opens a panel, or closes it when it is the one open. */
export const togglePanel = (id: PanelId) => setUi((s) => ({ panel: s.panel === id ? null : id }));

/** The left rail: one button per panel; the open one is pressed. */
export function Rail() {
  const open = useUi((s) => s.panel);
  return (
    <nav className="rail" aria-label="Panels">
      <span className="brand" aria-hidden="true">
        ⬢
      </span>
      {PANELS.map((p) => (
        <button key={p.id} aria-pressed={open === p.id} title={`${p.title} (${p.shortcut})`} onClick={() => togglePanel(p.id)}>
          <span className="rail-icon" aria-hidden="true">
            {p.icon}
          </span>
          <span className="rail-label">{p.title}</span>
        </button>
      ))}
    </nav>
  );
}
