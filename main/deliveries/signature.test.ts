import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookHeaders } from './signature';

describe('Standard Webhooks signature', () => {
  const secret = `whsec_${Buffer.from('a very secret key of 32 bytes!!!').toString('base64')}`;
  const body = JSON.stringify({ type: 'fence.enter', data: { device_id: 'd1' } });

  it('verifies with the standardwebhooks package', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(secret, 'msg_1', now, body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fails verification with another secret or a changed body', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(secret, 'msg_1', now, body);
    const other = `whsec_${Buffer.from('another key, also thirty-two b!!').toString('base64')}`;
    expect(() => new Webhook(other).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('d1', 'd2'), headers)).toThrow();
  });

  it('sends the id and timestamp even without a secret', () => {
    expect(webhookHeaders(undefined, 'msg_2', 100, body)).toEqual({ 'webhook-id': 'msg_2', 'webhook-timestamp': '100' });
  });
});
