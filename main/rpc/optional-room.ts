import { RpcError } from '../../shared/rpc';
import { DatabaseFileError } from '../sqlite';

/** A room the engine may run without: `room` when open, else `error` says why and `need()` refuses its methods with it. */
export interface OptionalRoom<T> {
  room?: T;
  need: () => T;
  error: string;
}

/** A room that may fail to open (a damaged or locked file): the engine runs on, and its methods say why. Any other error stops the start. */
export function optionalRoom<T>(what: string, open: () => T, log: (line: string) => void): OptionalRoom<T> {
  try {
    const room = open();
    return { room, need: () => room, error: '' };
  } catch (err) {
    if (!(err instanceof DatabaseFileError)) throw err;
    log(`${what}: ${err.message}`);
    return { ...roomOff<T>(`${what} ${what.endsWith('s') ? 'are' : 'is'} unavailable: ${err.message}`), error: err.message };
  }
}

/** A room that does not run (switched off, or not kept with this source): its methods answer `message`, which is also its error. */
export function roomOff<T>(message: string): OptionalRoom<T> {
  return {
    error: message,
    need: () => {
      throw new RpcError({ code: 'unavailable', message });
    },
  };
}
