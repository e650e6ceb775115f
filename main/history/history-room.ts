import { roomOff, type OptionalRoom } from '../rpc';
import { HistoryStore, type HistoryOptions } from './history-store';

/**
 * The history as the engine opens it. With NATS ingest it must open (a position is acked only once
 * committed there): a failure stops the start. With the simulator the engine runs on without it — the
 * live map needs no history — and the history's methods say why it is closed.
 */
export async function openHistoryRoom(options: HistoryOptions, required: boolean): Promise<OptionalRoom<HistoryStore>> {
  if (required) {
    const room = await HistoryStore.open(options);
    return { room, need: () => room, error: '' };
  }
  try {
    const room = await HistoryStore.open(options);
    return { room, need: () => room, error: '' };
  } catch (err) {
    const why = (err as Error).message.split('\n')[0]!;
    options.log?.(`history: cannot open it, the simulator runs without: ${why}`);
    return roomOff<HistoryStore>(`the history is unavailable: ${why}`);
  }
}
