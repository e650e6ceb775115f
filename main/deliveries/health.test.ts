import { describe, expect, it } from 'vitest';
import { classifyHealth, type HealthFigures } from './health';

const fine: HealthFigures = {
  pending_count: 5,
  dlq_count: 0,
  success_rate_percent: 99.8,
  oldest_pending_age_seconds: 15,
};

describe('queue health (the default thresholds)', () => {
  it('is Healthy within every threshold', () => expect(classifyHealth(fine)).toEqual({ status: 'Healthy', reasons: [] }));
  it('is Unhealthy with more than 100 in the DLQ', () => expect(classifyHealth({ ...fine, dlq_count: 101 }).status).toBe('Unhealthy'));
  it('is Healthy at exactly 100 in the DLQ', () => expect(classifyHealth({ ...fine, dlq_count: 100 }).status).toBe('Healthy'));
  it('is Degraded with more than 1000 pending', () => expect(classifyHealth({ ...fine, pending_count: 1001 }).status).toBe('Degraded'));
  it('is Degraded when the oldest pending waited over 5 minutes', () =>
    expect(classifyHealth({ ...fine, oldest_pending_age_seconds: 301 }).reasons[0]).toMatch(/oldest pending item waited 301 s/));
  it('is Degraded below 95 % success', () => expect(classifyHealth({ ...fine, success_rate_percent: 94.9 }).status).toBe('Degraded'));
  it('is not Degraded for a success rate of nothing attempted', () => expect(classifyHealth({ ...fine, success_rate_percent: null }).status).toBe('Healthy'));
  it('names every crossed threshold, worst first', () => {
    const h = classifyHealth({ ...fine, dlq_count: 150, pending_count: 5000 });
    expect(h.status).toBe('Unhealthy');
    expect(h.reasons).toHaveLength(2);
    expect(h.reasons[0]).toMatch(/dead-letter/);
  });
  it('takes configured thresholds', () =>
    expect(
      classifyHealth({ ...fine, pending_count: 6 }, { dlqUnhealthy: 0, pendingDegraded: 5, oldestPendingDegradedS: 60, successRateDegradedPercent: 50 }).status,
    ).toBe('Degraded'));
});
