import { describe, expect, it } from 'vitest';
import { formOf, listOf, readForm, refusalOf } from './connection-form';

const current = {
  source: 'simulator' as const,
  nats: {
    servers: [],
    user: '',
    passwordFile: '',
    tokenFile: '',
    nkeySeedFile: '',
    credsFile: '',
    tlsCaFile: '',
    tlsCertFile: '',
    tlsKeyFile: '',
    stream: 'POSITIONS',
    subjects: ['pos.>'],
    consumer: 'hexwatch',
  },
  tile38: { host: '', port: 9851, tls: false, passwordFile: '', mode: 'channel' as const },
  demand: { stream: 'DEMAND', subjects: ['demand.>'], consumer: 'hexwatch-demand' },
  s3: { endpoint: '', region: '', accessKeyId: '', archiveUrl: '' },
  s3KeysFrom: 'none' as const,
  secrets: { natsPassword: 'none' as const, natsToken: 'none' as const, tile38Password: 'none' as const, s3SecretKey: 'none' as const },
  keep: 'session' as const,
  settingsPath: '/tmp/settings.json',
  pinned: [],
  firstRun: false,
};

describe('the Connections form', () => {
  it('reads servers typed one per line or comma separated', () => {
    expect(listOf('nats://a:4222,\n tls://b:4222 ,,\n')).toEqual(['nats://a:4222', 'tls://b:4222']);
  });

  it('sends what is typed, secrets only when typed', () => {
    const form = { ...formOf(current), source: 'nats' as const, servers: 'nats://a:4222, nats://b:4222', user: 'analyst', natsPassword: 'pw' };
    const read = readForm(form);
    expect(read).toMatchObject({
      ok: true,
      params: {
        source: 'nats',
        nats: { servers: ['nats://a:4222', 'nats://b:4222'], user: 'analyst' },
        tile38: { port: 9851 },
        secrets: { natsPassword: 'pw' },
      },
    });
    expect(readForm({ ...form, natsPassword: '' })).not.toHaveProperty('params.secrets');
  });

  it('names each field in trouble: a NATS source without servers, a URL that is not one, a port, a half client certificate', () => {
    const read = readForm({ ...formOf(current), source: 'nats', tile38Port: '99999', tlsCertFile: '/c.pem', stream: 'bad name' });
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors).toMatchObject({
      servers: expect.stringMatching(/at least one server/),
      tile38Port: expect.any(String),
      tlsKeyFile: expect.any(String),
      stream: expect.any(String),
    });
    const url = readForm({ ...formOf(current), servers: 'nats://ok:4222\nhttp://nope' });
    expect(url).toMatchObject({ ok: false, errors: { servers: 'http://nope is not a nats://, tls:// or ws(s):// URL' } });
  });

  it('reads object storage: an endpoint and a bucket URL that are not one, a secret key without its id', () => {
    const read = readForm({ ...formOf(current), s3Endpoint: 'minio:9000', s3ArchiveUrl: 'fleet/hexwatch', s3SecretKey: 'shh' });
    expect(read).toMatchObject({
      ok: false,
      errors: { s3Endpoint: expect.stringMatching(/http/), s3ArchiveUrl: expect.stringMatching(/s3:\/\//), s3AccessKeyId: expect.any(String) },
    });
    const ok = readForm({
      ...formOf(current),
      s3Endpoint: 'http://127.0.0.1:8333',
      s3AccessKeyId: 'id',
      s3SecretKey: 'shh',
      s3ArchiveUrl: 's3://fleet/hexwatch/',
    });
    expect(ok).toMatchObject({
      ok: true,
      params: { s3: { endpoint: 'http://127.0.0.1:8333', accessKeyId: 'id', region: '', archiveUrl: 's3://fleet/hexwatch/' }, secrets: { s3SecretKey: 'shh' } },
    });
    expect(refusalOf('invalid settings:\n  archive.s3Url: an s3://bucket/prefix/ URL').fields).toEqual({ s3ArchiveUrl: 'an s3://bucket/prefix/ URL' });
  });

  it('puts the engine’s refusal beside the fields it names', () => {
    const { fields, rest } = refusalOf(
      'the engine could not start with these settings, so it runs with the ones before: invalid settings:\n  nats.servers: source is nats but no server is set\n  tile38.port: too big',
    );
    expect(fields).toEqual({ servers: 'source is nats but no server is set', tile38Port: 'too big' });
    expect(rest).toMatch(/could not start/);
  });
});
