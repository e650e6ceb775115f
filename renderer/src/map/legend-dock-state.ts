// First: these schemas are built as this module loads (see layer-state.ts).
import '../zod-jitless';
import { z } from 'zod';
import { persistFields } from '../app/preferences';
import { createStore } from '../app/store';

/** Whether the analyst has folded the legend dock away to one button, kept across reloads and starts (`legends.collapsed`). */
export const legendDock = createStore({ collapsed: false });

persistFields(legendDock, 'legends', { collapsed: z.boolean() });

export const toggleLegends = () => legendDock.set({ collapsed: !legendDock.get().collapsed });
