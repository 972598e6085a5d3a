// expect-fail: rejects-wrong
// verify parses the answer as JSON and lets the exception escape on anything else.
export default {
  name: 'json-list-sort',
  description: 'Sort a list of distinct integers, answering with a JSON array.',
  tags: ['sorting'],
  generate(rng, difficulty) {
    return { xs: rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 3 + 2 * difficulty) };
  },
  prompt(s) {
    return `Sort ascending: ${s.xs.join(', ')}. Answer with a JSON array.`;
  },
  verify(s, answer) {
    const got = JSON.parse(answer);
    return JSON.stringify(got) === this.solve(s) ? 1 : 0;
  },
  solve(s) {
    return JSON.stringify(s.xs.slice().sort((a, b) => a - b));
  },
};
