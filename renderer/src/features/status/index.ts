/** The bottom status bar: the source, throughput, the queue, the link to the engine. */
export { StatusBar } from './StatusBar';
import './status.css'; // after the exports: it follows the ui/ and map/ sheets they import
