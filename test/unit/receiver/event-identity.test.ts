import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { parseConfig } from '../../../src/config/sources';
import { resolveIdentity } from '../../../src/receiver/event-identity';

const config = parseConfig(
  { sources: { demo: { provider: 'standard-webhooks', secrets: [`whsec_${Buffer.from('event-identity-unit-secret').toString('base64')}`] } } },
  { env: {}, defaultMaxBodyBytes: 1000, baseDir: tmpdir(), label: 'test.json' },
);
const source = config.sources.get('demo');

/** The type a standard-webhooks delivery with this body `type` is stored with. */
function storedType(type: string): string | null {
  if (!source) throw new Error('no demo source');
  const req = { rawBody: Buffer.alloc(0), headers: { 'webhook-id': 'msg_1' }, url: 'http://localhost/webhooks/demo', contentType: 'application/json' };
  return resolveIdentity(source, req, { type }, 'sha').eventType;
}

describe('resolveIdentity: the event type', function () {
  it('keeps a printable type as it is, other scripts and emoji included', function () {
    assert.equal(storedType('invoice.paid'), 'invoice.paid');
    assert.equal(storedType('commande.payée.✅'), 'commande.payée.✅');
  });
  it('removes C0 controls, DEL, C1 controls and lone surrogates', function () {
    assert.equal(storedType('a\u0000b\u001b[31mc\r\nd\u007fe\u0085f\u009bg\ud800h\udfffi'), 'ab[31mcdefghi');
  });
  it('is null when nothing printable is left', function () {
    assert.equal(storedType('\u001b\u0000\ud800'), null);
  });
  it('is cut to 200 UTF-16 units after the removal, never between the halves of a pair', function () {
    assert.equal(storedType(`${'\u001b'.repeat(50)}${'x'.repeat(300)}`), 'x'.repeat(200));
    const cut = storedType(`${'x'.repeat(199)}\u{1F600}tail`);
    assert.equal(cut, 'x'.repeat(199), 'the emoji would straddle the bound: it goes whole');
  });
});
