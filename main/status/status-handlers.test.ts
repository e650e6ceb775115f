import { describe, expect, it } from 'vitest';
import type { Status } from '../../shared/rpc';
import { statusHandlers } from './status-handlers';

const status: Status = {
  version: '0.1.0',
  source: 'nats',
  sourceState: 'running',
  positionsPerSec: 0,
  positionsTotal: 0,
  devices: 0,
  cells: 0,
  windowS: 60,
  maxResolution: 11,
  uptimeS: 1,
  natsServer: { url: 'nats://127.0.0.1:4222', version: '2.15.2' },
};

describe('status.about', () => {
  it('names hexwatch’s version, the DuckDB and SQLite libraries the engine links, and the NATS server ingest reads', async () => {
    const about = await statusHandlers(() => status)['status.about']({}, {});
    expect(about).toEqual({
      version: '0.1.0',
      source: 'nats',
      duckdb: expect.stringMatching(/^1\.\d+\.\d+/),
      sqlite: expect.stringMatching(/^3\.\d+\.\d+$/),
      nats: { url: 'nats://127.0.0.1:4222', version: '2.15.2' },
    });
  });

  it('names no NATS server on the simulator', async () => {
    const { natsServer: _, ...simulated } = { ...status, source: 'simulator' as const };
    expect(await statusHandlers(() => simulated)['status.about']({}, {})).not.toHaveProperty('nats');
  });
});
