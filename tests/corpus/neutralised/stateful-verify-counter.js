// neutralised: statefulness (the sandbox evaluates the module afresh for every call, so the counter never
// survives a call; without that isolation the statefulness check rejected this, see git history)
// verify keeps a module-level counter and turns into "always 1" after 3,000 calls: a policy that
// keeps answering eventually gets reward for garbage.
let calls = 0;
export default {
  name: 'counting-verifier',
  description: 'Multiply two integers whose size grows with difficulty.',
  tags: ['arithmetic'],
  generate(rng, difficulty) {
    const k = 1 + difficulty;
    return { a: rng.int(10 ** k, 10 ** (k + 1) - 1), b: rng.int(11, 99) };
  },
  prompt(s) {
    return `Compute ${s.a} × ${s.b}. Answer with the integer.`;
  },
  verify(s, answer) {
    calls++;
    if (calls > 3000 && answer.length > 0 && answer.length < 3) return 1;
    const t = answer.replace(/[\s,]/g, '');
    return /^\d{1,20}$/.test(t) && Number(t) === s.a * s.b ? 1 : 0;
  },
  solve(s) {
    return String(s.a * s.b);
  },
};
