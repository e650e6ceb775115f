import type { Command } from '../../app/commands';
import { getUi, setUi } from '../../app/ui-store';
import { deadLetterActions, showTab, TABS, targetEditor } from './deliveries-panel-state';

const open = (tab: (typeof TABS)[number]) => {
  showTab(tab);
  setUi({ panel: 'deliveries' });
};
const deadLettersShown = () => getUi().panel === 'deliveries' && (deadLetterActions.get()?.count ?? 0) > 0;

/** The Deliveries panel's commands: each tab, adding a target, and requeueing or discarding what the Dead letters tab shows. */
export function deliveriesCommands(): Command[] {
  return [
    ...TABS.map((tab) => ({
      id: `deliveries.${tab.toLowerCase().replace(/ /g, '-')}`,
      title: `Show ${tab.toLowerCase()}`,
      group: 'Deliveries',
      run: () => open(tab),
    })),
    {
      id: 'deliveries.addTarget',
      title: 'Add target: a webhook or a NATS subject',
      group: 'Deliveries',
      run: () => {
        open('Targets');
        targetEditor.set('new');
      },
    },
    {
      id: 'deliveries.requeue',
      title: 'Requeue the dead letters ticked, or all the filter matches',
      group: 'Deliveries',
      enabled: deadLettersShown,
      when: 'the Dead letters tab shows some',
      run: () => deadLetterActions.get()?.ask('requeue'),
    },
    {
      id: 'deliveries.discard',
      title: 'Discard the dead letters ticked, or all the filter matches',
      group: 'Deliveries',
      enabled: deadLettersShown,
      when: 'the Dead letters tab shows some',
      run: () => deadLetterActions.get()?.ask('discard'),
    },
  ];
}
