import type { Handlers } from '../rpc';
import type { DemoService } from './demo-service';

/** The demo's method; `demo` is a function so that an engine with no demo room (NATS) answers with why. */
export function demoHandlers<C>(demo: () => DemoService): Pick<Handlers<C>, 'demo.clear'> {
  return { 'demo.clear': () => demo().clear() };
}
