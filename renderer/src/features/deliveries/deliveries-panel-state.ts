import { z } from 'zod';
import type { TargetInfo } from '../../../../shared/rpc';
import { persistFields } from '../../app/preferences';
import { createStore } from '../../app/store';

export const TABS = ['Dead letters', 'Targets', 'Health', 'Replay', 'Quarantine'] as const;
export type DeliveriesTab = (typeof TABS)[number];
export const HEALTH_RANGES = { '15m': 'Last 15 min', '1h': 'Last hour', '1d': 'Last day' } as const;
export type HealthRange = keyof typeof HEALTH_RANGES;

/** The panel's tab and the Health tab's range: the analyst's, so they come back after a reload and a restart. */
export const deliveriesChoices = createStore<{ tab: DeliveriesTab; healthRange: HealthRange }>({ tab: 'Dead letters', healthRange: '15m' });
persistFields(deliveriesChoices, 'deliveries', {
  tab: z.enum(TABS),
  healthRange: z.enum(Object.keys(HEALTH_RANGES) as [HealthRange, ...HealthRange[]]),
});

export const showTab = (tab: DeliveriesTab) => deliveriesChoices.set({ ...deliveriesChoices.get(), tab });

/** The target whose form is open in the Targets tab ('new': one being added). */
export const targetEditor = createStore<TargetInfo | 'new' | undefined>(undefined);

/** Requeue and Discard as the Dead letters tab offers them now (what they apply to and how many), published while it is shown. */
export const deadLetterActions = createStore<{ count: number; ask(what: 'requeue' | 'discard'): void } | null>(null);
