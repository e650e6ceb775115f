import { createStore } from '../../app/store';
import type { Command } from '../../app/commands';
import { setUi } from '../../app/ui-store';

export const TABS = ['Dead letters', 'Targets', 'Health', 'Replay', 'Quarantine'] as const;
export type DeliveriesTab = (typeof TABS)[number];

/** Which tab of the Deliveries panel is shown: a command can open the panel at one. */
export const deliveriesTab = createStore<DeliveriesTab>('Dead letters');

/** Palette entries: each tab, opened with the panel. */
export function deliveriesCommands(): Command[] {
  return TABS.map((tab) => ({
    id: `deliveries.${tab.toLowerCase().replace(/ /g, '-')}`,
    title: `Deliveries: show ${tab.toLowerCase()}`,
    group: 'Deliveries',
    run: () => {
      deliveriesTab.set(tab);
      setUi({ panel: 'deliveries' });
    },
  }));
}
