// Stack machine trace: run a short program for a stack machine by hand and report the final stack.
// Long programs need careful bookkeeping; values stay small because arithmetic is modulo 97.
const OPS = ["push", "push", "push", "add", "sub", "mul", "dup", "swap", "over", "pop", "rot"];

function run(program) {
  const st = [];
  for (const ins of program) {
    const [op, arg] = ins;
    const a = st.length;
    if (op === "push") st.push(arg);
    else if (op === "dup") st.push(st[a - 1]);
    else if (op === "pop") st.pop();
    else if (op === "swap") { const t = st[a - 1]; st[a - 1] = st[a - 2]; st[a - 2] = t; }
    else if (op === "over") st.push(st[a - 2]);
    else if (op === "rot") st.push(st.splice(a - 3, 1)[0]);   // third from top moves to the top
    else {
      const y = st.pop(), x = st.pop();
      const r = op === "add" ? x + y : op === "sub" ? x - y : x * y;
      st.push(((r % 97) + 97) % 97);
    }
  }
  return st;
}
// Stack depth each op needs.
const DEPTH_CHANGE = { push: 1, dup: 1, over: 1, pop: -1, swap: 0, rot: 0, add: -1, sub: -1, mul: -1 };
const NEEDS = { push: 0, dup: 1, pop: 1, swap: 2, over: 2, rot: 3, add: 2, sub: 2, mul: 2 };

export default {
  name: "stack-machine-trace",
  description: "Execute a stack-machine program (push, arithmetic mod 97, dup, swap, over, rot, pop) and give the final stack.",
  tags: ["algorithmic", "execution", "tracing"],

  generate(rng, difficulty) {
    const len = 4 + 3 * difficulty;                          // 7..34 instructions
    const program = [];
    let depth = 0;
    while (program.length < len || depth < 2) {             // end with >= 2 values: "0" alone is never right
      const op = rng.pick(OPS);
      if (NEEDS[op] > depth || (op === "pop" && depth === 1) || (depth > 6 && op === "push")) continue;
      if (program.length >= len && op !== "push") continue;
      program.push(op === "push" ? ["push", rng.int(1, 20 + 8 * difficulty)] : [op]);
      depth += DEPTH_CHANGE[op];                             // = run(program).length, without re-running
    }
    return { program };
  },

  prompt(state) {
    const text = state.program.map((ins, i) => `${i + 1}. ${ins.join(" ")}`).join("\n");
    return `A stack machine starts with an empty stack and runs these instructions:\n${text}\n\n` +
      `Meaning: "push k" pushes k; "add", "sub", "mul" pop y (top) then x and push (x+y), (x-y) or (x*y) reduced modulo 97 to 0..96; ` +
      `"dup" pushes a copy of the top; "swap" exchanges the top two; "over" pushes a copy of the second element; ` +
      `"rot" moves the third element from the top to the top; "pop" removes the top.\n` +
      `Answer with the final stack from bottom to top, numbers separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const got = (answer.match(/-?\d+/g) || []).map(Number);
    const want = run(state.program);
    return got.length === want.length && got.every((v, i) => v === want[i]) ? 1 : 0;
  },

  solve(state) {
    return run(state.program).join(" ");
  },
};
