import type { DemoStatus } from '../../../../shared/rpc';
import { createStore } from '../../app/store';

/** The demo as the status last said it (the status bar keeps it), and whether its card is open, asking to confirm a clear. */
export const demoStore = createStore<{ status?: DemoStatus; open: boolean; confirming: boolean }>({ open: false, confirming: false });

/** The card open, asking whether to clear (the command's way in). */
export const askToClear = () => demoStore.set({ ...demoStore.get(), open: true, confirming: true });
