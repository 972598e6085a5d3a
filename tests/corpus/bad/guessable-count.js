// expect-fail: guessability
// "How many of these numbers are even?" over a short list: the count concentrates on a few values.
export default {
  name: 'count-evens',
  description: 'Count the even numbers in a list.',
  tags: ['arithmetic', 'counting'],
  generate(rng, difficulty) {
    return { xs: Array.from({ length: 4 + difficulty }, () => rng.int(1, 99)) };
  },
  prompt(s) {
    return `How many of ${s.xs.join(', ')} are even? Answer with one integer.`;
  },
  verify(s, answer) {
    return answer.trim() === this.solve(s) ? 1 : 0;
  },
  solve(s) {
    return String(s.xs.filter((x) => x % 2 === 0).length);
  },
};
