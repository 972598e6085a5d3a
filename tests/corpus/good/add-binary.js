// Add two binary numbers; difficulty sets their length.
export default {
  name: 'add-binary',
  description: 'Add two binary numbers and give the sum in binary.',
  tags: ['arithmetic', 'number-bases'],
  generate(rng, difficulty) {
    const bits = 5 + 3 * difficulty,
      n = () => rng.int(2 ** (bits - 1), 2 ** bits - 1);
    return { a: n(), b: n() };
  },
  prompt(s) {
    return `Add the binary numbers ${s.a.toString(2)} and ${s.b.toString(2)}. Answer with the sum in binary.`;
  },
  verify(s, answer) {
    const t = answer.trim().replace(/^0b/i, '');
    return /^[01]{1,64}$/.test(t) && t === (s.a + s.b).toString(2) ? 1 : 0;
  },
  solve(s) {
    return (s.a + s.b).toString(2);
  },
};
