import { createContext, useContext, type ReactNode } from 'react';
import type { EngineLink } from './connect';

const Context = createContext<EngineLink | null>(null);

/** The engine the workstation talks to (IPC in the desktop app, the WebSocket in web mode). */
export function EngineProvider({ engine, children }: { engine: EngineLink; children: ReactNode }) {
  return <Context.Provider value={engine}>{children}</Context.Provider>;
}

export function useEngine(): EngineLink {
  const engine = useContext(Context);
  if (!engine) throw new Error('useEngine outside <EngineProvider>');
  return engine;
}
