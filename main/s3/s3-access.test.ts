import { describe, expect, it } from 'vitest';
import { objectUrl, parseIni, parseS3Url, resolveS3Access, S3_SECRET_ENV } from './s3-access';

const files = (m: Record<string, string>) => (p: string) => m[p];
const none = { endpoint: '', region: '', accessKeyId: '' };

describe('resolveS3Access', () => {
  it('takes the app secret first, then the environment, then the profile', () => {
    const env = { [S3_SECRET_ENV]: 'app-secret', AWS_ACCESS_KEY_ID: 'envid', AWS_SECRET_ACCESS_KEY: 'envsecret' };
    expect(resolveS3Access({ ...none, accessKeyId: 'appid' }, env, files({}), '/h')).toMatchObject({
      from: 'app',
      keys: { accessKeyId: 'appid', secretAccessKey: 'app-secret' },
    });
    expect(resolveS3Access(none, env, files({}), '/h')).toMatchObject({ from: 'environment', keys: { accessKeyId: 'envid' } });
    const creds =
      '[default]\naws_access_key_id = pid\naws_secret_access_key = psecret\n\n[team]\naws_access_key_id=tid\naws_secret_access_key=tsecret\naws_session_token=tok\n';
    const config = '[default]\nregion = eu-west-2\n[profile team]\nregion=ap-south-1\n';
    const fs = files({ '/h/.aws/credentials': creds, '/h/.aws/config': config });
    expect(resolveS3Access(none, {}, fs, '/h')).toEqual({
      from: 'profile',
      region: 'eu-west-2',
      endpoint: '',
      keys: { accessKeyId: 'pid', secretAccessKey: 'psecret' },
    });
    expect(resolveS3Access(none, { AWS_PROFILE: 'team' }, fs, '/h')).toEqual({
      from: 'profile',
      region: 'ap-south-1',
      endpoint: '',
      keys: { accessKeyId: 'tid', secretAccessKey: 'tsecret', sessionToken: 'tok' },
    });
  });

  it('without keys anywhere reads anonymously, in us-east-1 unless told', () => {
    expect(resolveS3Access(none, {}, files({}), '/h')).toEqual({ from: 'none', region: 'us-east-1', endpoint: '' });
    expect(resolveS3Access({ ...none, endpoint: 'http://127.0.0.1:8333/' }, { AWS_REGION: 'x-1' }, files({}), '/h')).toEqual({
      from: 'none',
      region: 'x-1',
      endpoint: 'http://127.0.0.1:8333',
    });
  });
});

describe('s3 URLs', () => {
  it('parses a bucket and its prefix', () => {
    expect(parseS3Url('s3://fleet/hexwatch')).toEqual({ bucket: 'fleet', prefix: 'hexwatch/' });
    expect(parseS3Url('s3://fleet/')).toEqual({ bucket: 'fleet', prefix: '' });
    expect(() => parseS3Url('https://fleet/')).toThrow(/not an s3/);
  });

  it('is path-style at an endpoint and virtual-hosted on AWS', () => {
    const access = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', from: 'none' as const };
    expect(objectUrl(access, 'b', 'a/date=2026-01-01/x y.parquet').href).toBe('http://127.0.0.1:9000/b/a/date%3D2026-01-01/x%20y.parquet');
    expect(objectUrl({ ...access, endpoint: '' }, 'b', 'k').href).toBe('https://b.s3.eu-west-1.amazonaws.com/k');
  });

  it('reads INI comments and blank lines', () => {
    expect(parseIni('# c\n[a]\n; c\nk = v = w\n').get('a')?.get('k')).toBe('v = w');
  });
});
