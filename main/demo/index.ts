/**
 * The demo: on the first start of a new data dir with the simulator, fences over the simulated city and
 * the walkers' history of the past hours (positions, fence events, market minutes), marked as demo in
 * `demo.json` and in the status, and removed whole by `demo.clear`.
 */
export { DemoService, type DemoServiceOptions, type ClearedDemo } from './demo-service';
export { demoHandlers } from './demo-handlers';
export { demoFences } from './demo-fences';
export { DEMO_FILE, readDemoRecord, type DemoRecord } from './demo-record';
export { DEMO_TAG, demoInterval, writeDemoHistory } from './demo-history';
