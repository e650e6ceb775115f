// Imported first: zod would otherwise probe `new Function` once, which our CSP (no unsafe-eval) reports as a violation.
import { config } from 'zod';

config({ jitless: true });
