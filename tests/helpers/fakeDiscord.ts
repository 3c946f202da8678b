// The stand-in Discord lives under src/ because `npm run bench` uses it too; tests import it from here.
export * from '../../src/bench/fakeDiscord.js';
