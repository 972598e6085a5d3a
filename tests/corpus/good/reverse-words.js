// Reverse the order of a list of words; difficulty sets the length.
const W = [
  'amber',
  'birch',
  'cedar',
  'dune',
  'elm',
  'fern',
  'glade',
  'heath',
  'iris',
  'juniper',
  'kelp',
  'larch',
  'moss',
  'nettle',
  'oak',
  'pine',
  'quince',
  'reed',
  'sage',
  'thyme',
  'umbra',
  'vale',
  'wren',
  'yarrow',
  'zinnia',
];
export default {
  name: 'reverse-words',
  description: 'Write a list of words in reverse order.',
  tags: ['strings'],
  generate(rng, difficulty) {
    return { words: Array.from({ length: 3 + 2 * difficulty }, () => rng.pick(W)) };
  },
  prompt(s) {
    return `Write these words in reverse order: ${s.words.join(' ')}. Answer with the words separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 5000) return 0;
    const got = answer
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean);
    const want = s.words.slice().reverse();
    return got.length === want.length && got.every((w, i) => w === want[i]) ? 1 : 0;
  },
  solve(s) {
    return s.words.slice().reverse().join(' ');
  },
};
