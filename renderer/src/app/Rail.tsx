import { helpDialog, toggleHelp } from './help-dialogs';
import { setUi, useUi, type PanelId } from './ui-store';

export const PANELS: { id: PanelId; title: string; icon: string; shortcut: string }[] = [
  { id: 'heatmap', title: 'Heatmap', icon: '⬢', shortcut: 'h' },
  { id: 'fences', title: 'Fences', icon: '◇', shortcut: 'f' },
  { id: 'deliveries', title: 'Deliveries', icon: '⇶', shortcut: 'd' },
  { id: 'notebooks', title: 'Notebooks', icon: '▤', shortcut: 'n' },
  { id: 'fleet', title: 'Fleet', icon: '⊞', shortcut: 'Shift+F' },
];

/** Opens a panel, or closes it when it is the one open. */
export const togglePanel = (id: PanelId) => setUi((s) => ({ panel: s.panel === id ? null : id }));

/** The left rail: one button per panel (the open one is pressed), and Help at its foot. */
export function Rail() {
  const open = useUi((s) => s.panel);
  const help = helpDialog.use();
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
      <button className="rail-help" aria-pressed={help === 'guide'} title="The user guide (F1); keyboard shortcuts: ?" onClick={() => toggleHelp('guide')}>
        <span className="rail-icon" aria-hidden="true">
          ?
        </span>
        <span className="rail-label">Help</span>
      </button>
    </nav>
  );
}
