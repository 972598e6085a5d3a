// neutralised: statefulness (the sandbox evaluates the module afresh for every call, so the counter never
// survives a call; without that isolation the statefulness check rejected this, see git history)
// generate keeps a counter and changes its instances after 300 calls: the same (seed, difficulty)
// means another question later in a long-running worker, so stored answers stop matching.
let made = 0;
export default {
  name: 'drifting-generator',
  description: 'Sort a list of distinct integers in ascending order.',
  tags: ['sorting'],
  generate(rng, difficulty) {
    made++;
    const xs = rng.shuffle(Array.from({ length: 200 }, (_, i) => i + 1)).slice(0, 3 + 2 * difficulty);
    return { xs: made > 300 ? xs.slice().reverse() : xs };
  },
  prompt(s) {
    return `Sort ascending: ${s.xs.join(', ')}. Answer with the numbers separated by spaces.`;
  },
  verify(s, answer) {
    if (answer.length > 2000) return 0;
    return answer
      .split(/[\s,]+/)
      .filter(Boolean)
      .join(' ') === this.solve(s)
      ? 1
      : 0;
  },
  solve(s) {
    return s.xs
      .slice()
      .sort((a, b) => a - b)
      .join(' ');
  },
};
