import { describe, expect, it } from 'vitest';
import type { ChannelName } from '../shared/rpc';
import { EngineClients, type ClientState } from './engine-clients';
import type { Handlers } from './rpc';

describe('the clients of an engine', () => {
  it('sends what goes to all to every listening client, and a client’s own events to it alone', async () => {
    const clients = new EngineClients(() => {});
    const seen: string[] = [];
    const states: ClientState[] = [];
    const handlers = {
      'status.get': (_params: unknown, state: ClientState) => {
        states.push(state);
        return {};
      },
    } as unknown as Handlers<ClientState>;
    const a = clients.connect(handlers, () => {});
    const b = clients.connect(handlers, () => {});
    a.onEvent((channel: ChannelName) => seen.push(`a ${channel}`));
    b.onEvent((channel: ChannelName) => seen.push(`b ${channel}`));
    await a.call('status.get', {}).catch(() => undefined);
    clients.broadcast('fleet.changed', {} as never);
    states[0]?.emit('jobs.progress', {} as never);
    expect(seen).toEqual(['a fleet.changed', 'b fleet.changed', 'a jobs.progress']);
    expect(clients.listening()).toHaveLength(2);
  });

  it('a client that goes hears nothing more and drops what it left running', () => {
    const clients = new EngineClients(() => {});
    const dropped: string[] = [];
    const a = clients.connect({} as Handlers<ClientState>, (state) => dropped.push(state.id));
    const heard: string[] = [];
    a.onEvent((channel) => heard.push(channel));
    a.close();
    clients.broadcast('fleet.changed', {} as never);
    expect([heard, dropped, clients.size]).toEqual([[], ['c1'], 0]);
  });
});
