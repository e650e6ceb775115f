import { DemandEventSchema, type DemandEvent } from '../../shared/demand';
import { nestingDepth, type QuarantineReason } from '../ingest';

export type DecodedDemand = { ok: true; event: DemandEvent } | { ok: false; reason: QuarantineReason; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** A request is a few fields: anything nested deeper is not one. */
const MAX_DEPTH = 4;

/** Which quarantine reason a schema complaint about `field` is (the same reasons as positions). */
const REASON: Record<string, QuarantineReason> = { id: 'invalid_id', lat: 'invalid_lat', lon: 'invalid_lon', ts: 'invalid_ts' };

/** One demand message (shared/demand.ts) from its bytes, or why it is refused. */
export function decodeDemand(bytes: Uint8Array, maxBytes: number): DecodedDemand {
  if (bytes.length === 0) return { ok: false, reason: 'empty', detail: 'empty message' };
  if (bytes.length > maxBytes) return { ok: false, reason: 'oversize', detail: `${bytes.length} bytes, over the ${maxBytes}-byte limit` };
  if (nestingDepth(bytes, MAX_DEPTH) > MAX_DEPTH)
    return { ok: false, reason: 'too_deep', detail: `objects and arrays nest more than ${MAX_DEPTH} levels deep` };
  let m: unknown;
  try {
    m = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    return { ok: false, reason: 'invalid_json', detail: (err as Error).message };
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    return { ok: false, reason: 'not_object', detail: `expected a JSON object, got ${Array.isArray(m) ? 'an array' : typeof m}` };
  const parsed = DemandEventSchema.safeParse(m);
  if (parsed.success) return { ok: true, event: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  return { ok: false, reason: REASON[field] ?? 'invalid_field', detail: `${field || 'the request'}: ${issue.message}` };
}
