import type { Row } from './queue-items';
import type { QueueStatements } from './queue-statements';

/** What a claim reads and keeps between claims; delivery-queue.ts owns it. */
export interface ClaimState {
  st: QueueStatements;
  /** Items out with a worker, by seq → the worker. */
  claimed: Map<number, string>;
  /** (fence, target) partitions that may have a claimable head since the last claim. */
  ready: Set<string>;
  /** Partitions passed over because their head is out with a worker. */
  behindOut: Set<string>;
  /** Where the last walk stopped: the next starts after it, so every partition gets its turn. */
  cursor: [string, string];
}

type Head = { seq: number; partition_key: string; target_id: string; next_attempt_at: number };

/**
 * FIFO claims: a (fence, target) partition yields only its head and the pending items right behind it, in
 * order. Visits the partitions in `ready` only, or, when `walk`, every partition from the cursor on.
 */
export function claimRuns(c: ClaimState, now: number, limit: number, runMax: number, walk: boolean): Row[] {
  const claimed: Row[] = [];
  const take = (head: Head, key: string) => {
    if (c.claimed.has(head.seq)) {
      c.behindOut.add(key);
      return;
    }
    if (head.next_attempt_at > now) return;
    const rows: Row[] = [];
    const room = Math.min(runMax, limit - claimed.length);
    for (const row of c.st.run.iterate(head.partition_key, head.target_id, head.seq)) if (rows.push(row) >= room) break;
    claimed.push(rows[0]);
    // Behind the head, the items waiting their first attempt (a retried item is only ever a head).
    for (let i = 1; i < rows.length && rows[i].status === 'pending' && rows[i].next_attempt_at <= now; i++) claimed.push(rows[i]);
  };
  if (!walk) {
    // Only the partitions that changed: walking every fence's queue at each wake saturated the thread.
    for (const key of c.ready) {
      if (claimed.length >= limit) break;
      c.ready.delete(key);
      const [partition_key, target_id] = key.split('\u0000') as [string, string];
      const head = c.st.headOf.get(partition_key, target_id);
      if (head) take({ ...head, partition_key, target_id }, key);
    }
    return claimed;
  }
  // Round the partitions from where the last claim stopped, each visited once.
  const visited = new Set<string>();
  let [pk, tg] = c.cursor;
  while (claimed.length < limit) {
    let head = c.st.nextHead.get(pk, tg);
    if (!head) {
      if (pk === '' && tg === '') break;
      [pk, tg] = ['', ''];
      head = c.st.nextHead.get('', '');
      if (!head) break;
    }
    const key = `${head.partition_key}\u0000${head.target_id}`;
    if (visited.has(key)) break;
    visited.add(key);
    c.ready.delete(key);
    [pk, tg] = [head.partition_key, head.target_id];
    take(head, key);
  }
  c.cursor = [pk, tg];
  return claimed;
}

/** Claims without FIFO: the items due, oldest first, that no worker holds. */
export function claimDue(c: ClaimState, now: number, limit: number): Row[] {
  return c.st.due
    .all(now, limit + c.claimed.size)
    .filter((r) => !c.claimed.has(r.seq))
    .slice(0, limit);
}
