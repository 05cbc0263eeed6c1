// The browser's proof of work (public/lib/sha256.js) under Node's test runner: its SHA-256
// agrees with Node's on every length around the block boundaries, and a solved nonce is
// what the server checks (the same hash, as many leading zero bits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { sha256Words, leadingZeroBits, solveProof } from '../../public/lib/sha256.js';

const hex = (words) => words.map((w) => w.toString(16).padStart(8, '0')).join('');

test('the digest is SHA-256 for every length from 0 to 200 bytes', () => {
  for (let length = 0; length <= 200; length++) {
    const bytes = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff);
    assert.equal(hex(sha256Words(bytes)), createHash('sha256').update(bytes).digest('hex'), `length ${length}`);
  }
});

test('leading zero bits count across words', () => {
  assert.equal(leadingZeroBits([0, 0x00010000, 5]), 47);
  assert.equal(leadingZeroBits([0x80000000]), 0);
});

test('a solved nonce has the difficulty the server asks for, for this account only', () => {
  const challenge = 'c1.5999999.AAAAAAAAAAAAAAAAAAAAAA';
  const nonce = solveProof(challenge, 'u_alice', 12);
  const digest = createHash('sha256').update(`${challenge}:u_alice:${nonce}`).digest();
  assert.ok(digest[0] === 0 && digest[1] >> 4 === 0, digest.toString('hex'));
  const progress = [];
  assert.equal(solveProof(challenge, 'u_alice', 30, (tries) => progress.push(tries), () => progress.length >= 2), null);
  assert.deepEqual(progress, [16384, 32768]);
});
