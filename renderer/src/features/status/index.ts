/** The bottom status bar: the source, throughput, the queue, the link to the engine. */
export { StatusBar } from './StatusBar';
