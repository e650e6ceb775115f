import { z } from 'zod';
import { persistFields } from '../../app/preferences';
import { createStore } from '../../app/store';

/** Whether the Connections dialog is open, and the source it starts on when asked for one (the welcome's Connect to NATS). */
export const connectionsOpen = createStore<{ open: boolean; source?: 'nats' }>({ open: false });
export const openConnections = (preset: { source?: 'nats' } = {}) => connectionsOpen.set({ open: true, ...preset });
export const closeConnections = () => connectionsOpen.set({ open: false });

/**
 * The first start's welcome: `done` once the analyst has chosen (kept in the engine's preferences, so a
 * restart on the same data dir never shows it again); `open` when asked for again from the palette.
 */
export const welcome = createStore<{ done: boolean; open: boolean }>({ done: false, open: false });
persistFields(welcome, 'welcome', { done: z.boolean() });

/** The analyst has chosen: the welcome closes and stays closed. */
export const finishWelcome = () => welcome.set({ done: true, open: false });
export const showWelcome = () => welcome.set({ ...welcome.get(), open: true });
