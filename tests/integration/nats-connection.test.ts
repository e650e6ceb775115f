// What a user sees when NATS is wrong: an unreachable server or wrong credentials give a clear state
// and message with retries, the rest of the engine keeps answering, and no secret reaches a log.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../../main';
import { freePort, hexwatchBin, makeTempDir, repoRoot, runToExit, startNats, SteadyPublisher, waitFor, engineEnv, type RunningServer } from '../helpers';

describe('NATS connection problems', () => {
  it('reports an unreachable server and keeps retrying while the engine answers', async () => {
    const dir = await makeTempDir('hexwatch-unreachable-');
    const port = await freePort(); // nothing listens there
    const lines: string[] = [];
    const engine = await startEngine({ argv: ['--data-dir', dir.path, '--nats', `nats://127.0.0.1:${port}`], env: {}, log: (l) => lines.push(l) });
    try {
      const status = await waitFor(() => (engine.status().sourceState === 'error' ? engine.status() : null), { timeoutMs: 15_000, what: 'an error state' });
      expect(status.source).toBe('nats');
      expect(status.sourceDetail).toMatch(/ECONNREFUSED|connection refused|CONNECTION_REFUSED/i);
      expect(status.sourceDetail).toMatch(/retrying in \d+ s/);
      // Still retrying: a second attempt is logged.
      await waitFor(() => lines.filter((l) => /connecting to/.test(l)).length >= 2, { timeoutMs: 15_000, what: 'a retry' });
      const client = engine.connect();
      await expect(client.call('status.get', {})).resolves.toMatchObject({ source: 'nats', sourceState: expect.any(String) });
      await expect(client.call('history.counts', {})).resolves.toEqual({ hot: 0, archived: 0, quarantined: 0 });
    } finally {
      await engine.stop();
      await dir.remove();
    }
  });

  describe('with authentication', () => {
    let nats: RunningServer;
    beforeAll(async () => {
      nats = await startNats({ args: ['--user', 'fleet', '--pass', 's3cret-Pa55'] });
    });
    afterAll(async () => {
      await nats?.stop();
    });

    it('says the credentials are wrong, without ever logging the password', async () => {
      const dir = await makeTempDir('hexwatch-auth-');
      const lines: string[] = [];
      const engine = await startEngine({
        argv: ['--data-dir', dir.path, '--nats', nats.url, '--nats.user', 'fleet'],
        env: { HEXWATCH_NATS_PASSWORD: 'wrong-Pa55word' },
        log: (l) => lines.push(l),
      });
      try {
        const status = await waitFor(() => (engine.status().sourceState === 'error' ? engine.status() : null), { timeoutMs: 15_000, what: 'an error state' });
        expect(status.sourceDetail).toMatch(/authoriz|authentic/i);
        expect(JSON.stringify(status)).not.toContain('wrong-Pa55word');
        expect(lines.join('\n')).not.toContain('wrong-Pa55word');
      } finally {
        await engine.stop();
        await dir.remove();
      }
    });

    it('connects with the password from HEXWATCH_NATS_PASSWORD, and the simulator publishes through the same settings', async () => {
      const dir = await makeTempDir('hexwatch-auth-ok-');
      const env = engineEnv({ HEXWATCH_NATS_PASSWORD: 's3cret-Pa55', HEXWATCH_NATS_USER: 'fleet' });
      const run = await runToExit(
        process.execPath,
        [hexwatchBin, 'simulate', '--nats', nats.url, '--count', '5000', '--rate', '50000', '--data-dir', dir.path],
        { cwd: repoRoot, env, timeoutMs: 60_000 },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/published 5000, acknowledged 5000, failed 0/);
      expect(run.stdout + run.stderr).not.toContain('s3cret-Pa55');
      const nc = await connect({ servers: nats.url, user: 'fleet', pass: 's3cret-Pa55' });
      const stored = await (await jetstreamManager(nc)).streams.info('POSITIONS', { subjects_filter: 'pos.>' });
      expect(stored.state.messages).toBe(5000);
      // Each walker on its own subject, as a fleet's partitions need (the default 1,000 walkers).
      expect(Object.keys(stored.state.subjects ?? {})).toHaveLength(1000);
      expect(Object.keys(stored.state.subjects ?? {})).toContain('pos.walkers-0');
      await nc.close();

      const engine = await startEngine({
        argv: ['--data-dir', dir.path, '--nats', nats.url, '--nats.user', 'fleet'],
        env: { HEXWATCH_NATS_PASSWORD: 's3cret-Pa55' },
        log: () => {},
      });
      try {
        await waitFor(() => engine.status().ingest?.committed === 5000, {
          timeoutMs: 30_000,
          what: '5000 committed',
          detail: () => JSON.stringify(engine.status()),
        });
        expect(engine.status().sourceState).toBe('running');
      } finally {
        await engine.stop();
        await dir.remove();
      }
    });
  });

  it('says the stream is missing when nats.createStream is off, and creates nothing', async () => {
    const nats = await startNats();
    const dir = await makeTempDir('hexwatch-nostream-');
    const engine = await startEngine({ argv: ['--data-dir', dir.path, '--nats', nats.url, '--nats.createStream', 'false'], env: {}, log: () => {} });
    try {
      const status = await waitFor(() => (engine.status().sourceState === 'error' ? engine.status() : null), { timeoutMs: 15_000, what: 'an error state' });
      expect(status.sourceDetail).toMatch(/stream POSITIONS does not exist \(nats\.createStream is off\) \(retrying in \d+ s\)/);
      const nc = await connect({ servers: nats.url });
      await expect((await jetstreamManager(nc)).streams.info('POSITIONS')).rejects.toThrow(/stream not found/i);
      await nc.close();
    } finally {
      await engine.stop();
      await dir.remove();
      await nats.stop();
    }
  });

  it('creates the stream and its durable pull consumer when they are missing', async () => {
    const nats = await startNats();
    const dir = await makeTempDir('hexwatch-create-');
    const engine = await startEngine({ argv: ['--data-dir', dir.path, '--nats', nats.url, '--nats.consumer', 'fleet-ingest'], env: {}, log: () => {} });
    try {
      await waitFor(() => engine.status().sourceState === 'running', { timeoutMs: 15_000, what: 'running', detail: () => JSON.stringify(engine.status()) });
      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info('POSITIONS')).config.subjects).toEqual(['pos.>']);
      const consumer = await jsm.consumers.info('POSITIONS', 'fleet-ingest');
      // A consumer of its own (the embedded fence engine reads every fix): acked in ranges, an ack a batch.
      expect(consumer.config).toMatchObject({
        durable_name: 'fleet-ingest',
        ack_policy: 'all',
        deliver_policy: 'all',
        ack_wait: 30e9,
        max_ack_pending: 40_000,
      });
      await nc.close();
    } finally {
      await engine.stop();
      await dir.remove();
      await nats.stop();
    }
  });
});

describe('a consumer shared by two engines', () => {
  it('each embedded-engine status warns that another client pulls from its consumer', async () => {
    const nats = await startNats();
    const dirs = [await makeTempDir('hexwatch-share-a-'), await makeTempDir('hexwatch-share-b-')];
    const engines = await Promise.all(dirs.map((d) => startEngine({ argv: ['--data-dir', d.path, '--nats', nats.url], env: {}, log: () => {} })));
    const nc = await connect({ servers: nats.url });
    const publisher = new SteadyPublisher({ nc, subject: 'pos.shared', ratePerSec: 2000 });
    try {
      await waitFor(() => engines.every((e) => e.status().sourceState === 'running'), { timeoutMs: 15_000, what: 'both running' });
      publisher.start();
      // Skips right after connecting are not counted (12 s): the warning comes after that.
      const warned = /another client pulls from consumer hexwatch too/;
      await waitFor(() => engines.every((e) => warned.test(e.status().sourceDetail ?? '')), {
        timeoutMs: 40_000,
        what: 'both engines to warn',
        detail: () => engines.map((e) => e.status().sourceDetail).join('\n'),
      });
    } finally {
      await publisher.stop();
      await nc.close();
      await engines[0].stop();
      await engines[1].stop();
      for (const d of dirs) await d.remove();
      await nats.stop();
    }
  }, 90_000);
});
