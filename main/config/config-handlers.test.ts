import type { Config } from './schema';
import { describe, expect, it } from 'vitest';
import { configHandlers } from './config-handlers';
import { ConfigSchema } from './schema';

describe('config.get', () => {
  it('answers the configuration with the data dir, and server URLs without their credentials', async () => {
    const config = ConfigSchema.parse({ nats: { servers: ['nats://analyst:s3cret@broker.example:4222', 'nats://plain.example:4222'] } });
    const answer = await configHandlers<unknown>(config, '/data', '/data/settings.json')['config.get']({}, {});
    expect(answer.settingsPath).toBe('/data/settings.json');
    expect(answer.config.dataDir).toBe('/data');
    expect(JSON.stringify(answer)).not.toContain('s3cret');
    expect((answer.config.nats as Config['nats']).servers[1]).toBe('nats://plain.example:4222');
    expect(config.nats.servers[0]).toContain('s3cret');
  });
});
