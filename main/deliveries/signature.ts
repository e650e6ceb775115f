import { createHmac } from 'node:crypto';

/** Standard Webhooks signing: `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`. */
export function signWebhook(secret: string, id: string, timestampS: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampS}.${body}`).digest('base64')}`;
}

/** The three headers a Standard Webhooks receiver checks. */
export function webhookHeaders(secret: string | undefined, id: string, timestampS: number, body: string): Record<string, string> {
  const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(timestampS) };
  if (secret) headers['webhook-signature'] = signWebhook(secret, id, timestampS, body);
  return headers;
}
