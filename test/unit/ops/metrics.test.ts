import assert from 'node:assert/strict';
import { createMetrics } from '../../../src/metrics/metrics';

describe('createMetrics().handlers', function () {
  it('recordAttempt counts attempts by source, handler and outcome, and times them', async function () {
    const metrics = createMetrics();
    metrics.handlers.recordAttempt({ source: 'stripe', handler: 'erp', outcome: 'failed', seconds: 0.2 });
    metrics.handlers.recordAttempt({ source: 'stripe', handler: 'erp', outcome: 'succeeded', seconds: 0.1 });
    metrics.handlers.recordExhausted('stripe', 'crm');
    const text = await metrics.registry.metrics();
    assert.match(text, /^hookflow_handler_attempts_total\{source="stripe",handler="erp",outcome="failed"\} 1$/m);
    assert.match(text, /^hookflow_handler_attempts_total\{source="stripe",handler="erp",outcome="succeeded"\} 1$/m);
    assert.match(text, /^hookflow_handler_attempt_seconds_count\{source="stripe",handler="erp"\} 2$/m);
    assert.match(text, /^hookflow_handler_exhausted_total\{source="stripe",handler="crm"\} 1$/m);
  });

  it('gives every instance its own registry', async function () {
    const a = createMetrics();
    const b = createMetrics();
    a.handlers.recordAttempt({ source: 's', handler: 'h', outcome: 'succeeded', seconds: 1 });
    assert.doesNotMatch(await b.registry.metrics(), /hookflow_handler_attempts_total\{/);
  });
});
