import { describe, expect, it } from 'vitest';
import { duckdbS3Secret, readableStoreError } from './s3-secret';

describe('duckdbS3Secret', () => {
  it('says nothing without keys or an endpoint (DuckDB reads AWS anonymously)', () => {
    expect(duckdbS3Secret(undefined)).toBeUndefined();
    expect(duckdbS3Secret({ region: 'us-east-1', endpoint: '', from: 'none' })).toBeUndefined();
  });

  it('makes an endpoint path-style, TLS as its scheme says, and quotes what it is given', () => {
    const sql = duckdbS3Secret({
      region: 'eu-1',
      endpoint: 'http://127.0.0.1:8333',
      from: 'app',
      keys: { accessKeyId: 'id', secretAccessKey: "it's", sessionToken: 't' },
    });
    expect(sql).toBe(
      "CREATE SECRET hexwatch_s3 (TYPE s3, REGION 'eu-1', KEY_ID 'id', SECRET 'it''s', SESSION_TOKEN 't', ENDPOINT '127.0.0.1:8333', URL_STYLE 'path', USE_SSL false)",
    );
    expect(duckdbS3Secret({ region: 'r', endpoint: 'https://minio.example:9000', from: 'none' })).toContain('USE_SSL true');
  });
});

describe('readableStoreError', () => {
  it("keeps httpfs's first line and the store's own words, once", () => {
    const duckdb = [
      "HTTP Error: HTTP GET error reading 'http://127.0.0.1:1/fleet/x.parquet' in region 'us-east-1' (HTTP 403 Forbidden)",
      '',
      'SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.',
      '',
      'Authentication Failure - this is usually caused by invalid or missing credentials.',
      '* Credentials are provided, but they did not work.',
      '',
      'Authentication Failure - this is usually caused by invalid or missing credentials.',
    ].join('\n');
    expect(readableStoreError(duckdb)).toBe(
      "HTTP Error: HTTP GET error reading 'http://127.0.0.1:1/fleet/x.parquet' in region 'us-east-1' (HTTP 403 Forbidden): SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided.",
    );
    expect(readableStoreError('Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC')).toBe(
      'Parser Error: syntax error at or near "SELEC"\n\nLINE 1: SELEC',
    );
  });
});
