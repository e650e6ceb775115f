import { DemandEventSchema, type DemandEvent } from '../../shared/demand';
import { nestingDepth, newScannedPosition, scanPosition, type QuarantineReason } from '../ingest';

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

/**
 * Reads requests one after another: a request is a position's fields and fewer, so the positions' fast
 * path reads most of them with no parse and no garbage (an empty kind is no request's); anything it does
 * not take goes to decodeDemand, the reference. The event handed back is reused by the next read.
 */
export class DemandReader {
  private readonly scanned = newScannedPosition();
  private readonly fast: DecodedDemand & { ok: true } = { ok: true, event: { id: '', lat: 0, lon: 0, ts: 0 } };

  read(bytes: Uint8Array, start: number, end: number, maxBytes: number): DecodedDemand {
    const s = this.scanned;
    if (!scanPosition(bytes, start, end, maxBytes, s) || s.kind === '') return decodeDemand(bytes.subarray(start, end), maxBytes);
    const e = this.fast.event;
    e.id = s.id;
    e.lat = s.lat;
    e.lon = s.lon;
    e.ts = s.ts;
    if (s.kind === null) delete e.kind;
    else e.kind = s.kind;
    return this.fast;
  }
}
