/** Quarantine: the messages ingest refused, with why (a tab of the Deliveries panel). */
export { Quarantine } from './Quarantine';
import './quarantine.css'; // after the exports: it follows the ui/ and map/ sheets they import
