// Decode words shifted by a known Caesar shift; difficulty sets the number of words.
const W = [
  'river',
  'stone',
  'cloud',
  'maple',
  'frost',
  'amber',
  'delta',
  'tiger',
  'piano',
  'lemon',
  'orbit',
  'quill',
  'sugar',
  'vivid',
  'waltz',
];
const shift = (w, k) => w.replace(/[a-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) - 97 + k) % 26) + 97));
export default {
  name: 'caesar-decode',
  description: 'Decode words encrypted with a Caesar shift of known size.',
  tags: ['strings', 'ciphers'],
  generate(rng, difficulty) {
    return { k: rng.int(1, 25), words: Array.from({ length: 1 + difficulty }, () => rng.pick(W)) };
  },
  prompt(s) {
    return `Each letter was shifted forward by ${s.k} in the alphabet (wrapping z to a): ${s.words.map((w) => shift(w, s.k)).join(' ')}. Decode the words; answer with them separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    return answer
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(' ') === s.words.join(' ')
      ? 1
      : 0;
  },
  solve(s) {
    return s.words.join(' ');
  },
};
