/**
 * A child process for the SIGKILL enqueue test: enqueues events one per `enqueueDurably` call, a few
 * dozen calls a turn, from `<first>` on, and prints `ack <n>` for each call answered — until it is killed.
 *   node --import tsx tests/workers/queue-enqueue-kill-worker.ts <dir> <first>
 */
import { join } from 'node:path';
import { DeliveryQueue } from '../../main/deliveries';

const CALLS_PER_TURN = 40;

function main(): void {
  const [dir, firstArg] = process.argv.slice(2);
  const queue = DeliveryQueue.open(join(dir, 'queue.sqlite'), { settings: { feed: false } });
  let next = Number(firstArg);
  process.stdout.write('started\n');
  const turn = () => {
    for (let k = 0; k < CALLS_PER_TURN; k++) {
      const n = next++;
      queue
        .enqueueDurably([{ event_type: 'enter', fence_id: `f${n % 10}`, device_id: `d${n}`, position: { lat: 1, lon: 2 }, timestamp: n, source: 'embedded' }])
        .then(
          () => process.stdout.write(`ack ${n}\n`),
          (err: Error) => process.stderr.write(`refused ${n}: ${err.message}\n`),
        );
    }
    setImmediate(turn);
  };
  turn();
}

main();
