/** Log files under the data dir, rotated (the desktop app's log; web mode and the CLI write to stderr). */
export { RotatingLog, type RotatingLogOptions } from './rotating-log';
