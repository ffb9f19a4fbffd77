import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { sign } from '../../../src/providers/standard-webhooks';
import { standardSecret } from '../../helpers/signed-event';

describe('standard-webhooks sign()', () => {
  it("gives the known answer of Svix's verification docs", () => {
    const signature = sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs what the standardwebhooks library verifies, and only under the same secret', () => {
    const secret = standardSecret('sign-test');
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'invoice.paid' });
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, 'msg_1', timestamp, body) };
    assert.deepEqual(new Webhook(secret).verify(body, headers), { type: 'invoice.paid' });
    assert.throws(() => new Webhook(standardSecret('another')).verify(body, headers), /No matching signature/);
  });
});
