// Evaluate a nested integer expression exactly (precedence, signs, parentheses, integer floor division).
function build(rng, leaves, maxLeaf) {
  if (leaves === 1) return ["num", rng.int(-maxLeaf, maxLeaf)];
  const left = rng.int(1, leaves - 1);
  const op = rng.pick(["+", "-", "*", "+", "-", "*", "%"]);
  return [op, build(rng, left, maxLeaf), build(rng, leaves - left, maxLeaf)];
}
function value(e) {
  if (e[0] === "num") return e[1];
  const a = value(e[1]), b = value(e[2]);
  if (e[0] === "+") return a + b;
  if (e[0] === "-") return a - b;
  if (e[0] === "*") return a * b;
  return b === 0 ? NaN : ((a % b) + Math.abs(b)) % Math.abs(b);   // "mod": result in 0..|b|-1
}
function show(e, parentPrec) {
  if (e[0] === "num") return e[1] < 0 ? `(${e[1]})` : String(e[1]);
  const prec = e[0] === "+" || e[0] === "-" ? 1 : 2;
  const s = `${show(e[1], prec)} ${e[0] === "%" ? "mod" : e[0]} ${show(e[2], prec + 1)}`;
  return prec < parentPrec ? `(${s})` : s;
}

export default {
  name: "expression-evaluation",
  description: "Evaluate a nested integer arithmetic expression with +, -, * and mod.",
  tags: ["arithmetic", "expressions", "calculation"],

  generate(rng, difficulty) {
    for (;;) {
      const expr = build(rng, 2 + difficulty, 5 + 3 * difficulty);   // 3..12 numbers
      const v = value(expr);
      // Skip tiny results (0, 1, ...) that a guess would hit, and huge ones.
      if (Number.isSafeInteger(v) && Math.abs(v) >= 10 && Math.abs(v) < 1e9) return { expr: show(expr, 0), tree: expr };
    }
  },

  prompt(state) {
    return `Compute the exact value of this expression:\n\n${state.expr}\n\n` +
      `Usual precedence: * and mod bind tighter than + and -, and operators of equal precedence apply left to right. ` +
      `"a mod b" is the remainder in the range 0 to |b|-1 (for example (-7) mod 3 = 2).\nAnswer with a single integer.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const nums = answer.replace(/(\d),(?=\d{3}\b)/g, "$1").replace(/[−–]/g, "-").match(/-?\d+/g) || [];
    return nums.length === 1 && Number(nums[0]) === value(state.tree) ? 1 : 0;
  },

  solve(state) {
    return String(value(state.tree));
  },
};
