/** The workbench: layout, rail, command palette and shortcuts, the UI store shared by map and panels. */
export { Workbench } from './Workbench';
