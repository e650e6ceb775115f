/** The data dir's record of the files it holds, so a lost or emptied one is refused rather than recreated. */
export { assertNotLost, isNewDataDir, LostFileError, MANIFEST, remember } from './manifest';
