// The queue's proof of work, off the page's thread: {challenge, userId, difficulty} in,
// {progress: tries} while it works, {nonce} when found.

import { solveProof } from './sha256.js';

self.onmessage = (event) => {
  const { challenge, userId, difficulty } = event.data;
  const nonce = solveProof(challenge, userId, difficulty, (tries) => self.postMessage({ progress: tries }));
  self.postMessage({ nonce });
};
