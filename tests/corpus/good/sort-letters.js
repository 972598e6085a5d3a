// Sort the letters of a random string alphabetically; difficulty sets its length.
export default {
  name: 'sort-letters',
  description: 'Sort the letters of a string alphabetically.',
  tags: ['strings', 'sorting'],
  generate(rng, difficulty) {
    return { s: Array.from({ length: 4 + 2 * difficulty }, () => String.fromCharCode(97 + rng.int(0, 25))).join('') };
  },
  prompt(st) {
    return `Sort the letters of "${st.s}" alphabetically. Answer with the sorted letters as one word.`;
  },
  verify(st, answer) {
    if (answer.length > 1000) return 0;
    return answer.trim().toLowerCase() === this.solve(st) ? 1 : 0;
  },
  solve(st) {
    return st.s.split('').sort().join('');
  },
};
