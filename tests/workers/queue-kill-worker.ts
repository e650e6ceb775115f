/**
 * A child process for the SIGKILL delivery test: drains the queue at `<dir>/queue.sqlite` to its
 * targets with short leases, and exits when nothing is left to deliver.
 *   node --import tsx tests/workers/queue-kill-worker.ts <dir>
 */
import { DeliveryService } from '../../main/deliveries';

async function main(): Promise<void> {
  const [dir] = process.argv.slice(2);
  const service = new DeliveryService({
    dataDir: dir,
    settings: { feed: false, backoff: { scheduleS: [0.05], jitter: 0.2 } },
    worker: { pollMs: 50, log: (line) => process.stderr.write(`${line}\n`) },
  });
  service.start();
  process.stdout.write('started\n');
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const m = service.queue.metrics();
    if (m.pending_count + m.processing_count === 0) break;
  }
  await service.stop();
  process.stdout.write('done\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
