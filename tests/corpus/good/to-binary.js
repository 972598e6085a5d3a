// Write a decimal number in binary; difficulty sets its size.
export default {
  name: 'to-binary',
  description: 'Convert a decimal integer to binary.',
  tags: ['arithmetic', 'number-bases'],
  generate(rng, difficulty) {
    const bits = 6 + 3 * difficulty;
    return { n: rng.int(2 ** (bits - 1), 2 ** bits - 1) };
  },
  prompt(s) {
    return `Write ${s.n} in binary (digits 0 and 1, no prefix).`;
  },
  verify(s, answer) {
    const t = answer.trim().replace(/^0b/i, '').replace(/[\s_]/g, '');
    return /^[01]{1,64}$/.test(t) && t === s.n.toString(2) ? 1 : 0;
  },
  solve(s) {
    return s.n.toString(2);
  },
};
