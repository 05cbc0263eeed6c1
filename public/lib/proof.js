// Solves the waiting room's proof of work in a Web Worker, so the page stays responsive
// and can show progress; where module workers are unavailable it solves on this thread.

import { solveProof } from './sha256.js';

/**
 * Resolves to a nonce for {value, difficulty} and the signed-in user's id.
 * onProgress(fraction) is told roughly how far the search is (it has no fixed length:
 * the fraction is the chance a search would have ended by now); `signal` aborts it.
 */
export function solveChallenge(challenge, userId, { onProgress = () => {}, signal } = {}) {
  const expected = 2 ** challenge.difficulty;
  const report = (tries) => onProgress(1 - Math.exp(-tries / expected));
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = new Worker(new URL('./proof-worker.js', import.meta.url), { type: 'module' });
    } catch {
      resolve(solveProof(challenge.value, userId, challenge.difficulty, report));
      return;
    }
    const stop = () => {
      worker.terminate();
      reject(new DOMException('The search was stopped.', 'AbortError'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = (event) => {
      if (event.data.progress !== undefined) {
        report(event.data.progress);
        return;
      }
      signal?.removeEventListener('abort', stop);
      worker.terminate();
      resolve(event.data.nonce);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      signal?.removeEventListener('abort', stop);
      worker.terminate();
      resolve(solveProof(challenge.value, userId, challenge.difficulty, report));
    };
    worker.postMessage({ challenge: challenge.value, userId, difficulty: challenge.difficulty });
  });
}
