import type { ChannelName, PayloadOf, Viewport } from '../shared/rpc';
import { ClientJobs } from './jobs';
import { dispatch, type Handlers } from './rpc';

export type EventListener = (channel: ChannelName, payload: PayloadOf<ChannelName>) => void;

/** One renderer connected to the engine, over whichever transport. */
export interface EngineClient {
  /** Calls an RPC method; rejects with RpcError (invalid params name their fields). */
  call(method: string, params: unknown): Promise<unknown>;
  /** This client's events: its heatmap frames and the shared status. */
  onEvent(listener: EventListener): () => void;
  close(): void;
}

/** What the rooms' handlers know of the client calling them. */
export interface ClientState {
  viewport?: Viewport;
  listeners: Set<EventListener>;
  send(frame: ArrayBuffer): void;
  /** A channel payload for this client only (its jobs' progress). */
  emit<Ch extends ChannelName>(channel: Ch, payload: PayloadOf<Ch>): void;
  /** The long calls this client started: cancelled when it goes. */
  jobs: ClientJobs;
  /** Names this client's notebook queries apart from another's. */
  id: string;
  queries: Set<string>;
}

/** The renderers connected to one engine: each one's calls and events, and what goes to all of them. */
export class EngineClients {
  private readonly all = new Set<ClientState>();
  private count = 0;

  constructor(private readonly log: (line: string) => void) {}

  get size(): number {
    return this.all.size;
  }

  /** Those listening for events (a frame is built only for them). */
  listening(): ClientState[] {
    return [...this.all].filter((c) => c.listeners.size > 0);
  }

  readonly broadcast = (channel: ChannelName, payload: PayloadOf<ChannelName>): void => {
    for (const state of this.all) for (const listener of state.listeners) listener(channel, payload);
  };

  /** A new client calling `handlers`; `onClose` drops what it left running elsewhere (its notebook queries). */
  connect(handlers: Handlers<ClientState>, onClose: (state: ClientState) => void): EngineClient {
    const id = `c${++this.count}`;
    const state: ClientState = {
      listeners: new Set(),
      send: (frame) => state.emit('heatmap.frame', frame),
      emit: (channel, payload) => state.listeners.forEach((listener) => listener(channel, payload)),
      jobs: new ClientJobs(id, (progress) => state.emit('jobs.progress', progress)),
      id,
      queries: new Set(),
    };
    this.all.add(state);
    return {
      call: (method, params) => dispatch(handlers, method, params, state, this.log),
      onEvent(listener) {
        state.listeners.add(listener);
        return () => state.listeners.delete(listener);
      },
      close: () => {
        // A client that goes stops what it started.
        state.jobs.cancelAll();
        onClose(state);
        state.listeners.clear();
        this.all.delete(state);
      },
    };
  }

  clear(): void {
    this.all.clear();
  }
}
