// Grid transformations: apply a sequence of rotations and reflections to a letter grid in your head.
const OPS = {
  "rotate 90 degrees clockwise": (g) => g[0].map((_, c) => g.map((row) => row[c]).reverse()),
  "rotate 90 degrees counterclockwise": (g) => g[0].map((_, c) => g.map((row) => row[row.length - 1 - c])),
  "rotate 180 degrees": (g) => g.slice().reverse().map((row) => row.slice().reverse()),
  "mirror left-right": (g) => g.map((row) => row.slice().reverse()),
  "mirror top-bottom": (g) => g.slice().reverse(),
  "transpose (swap rows and columns)": (g) => g[0].map((_, c) => g.map((row) => row[c])),
};
const apply = (state) => state.ops.reduce((g, op) => OPS[op](g), state.grid.map((r) => r.split("")));

export default {
  name: "grid-transform",
  description: "Apply a sequence of rotations, mirrors and transposes to a letter grid and give the result.",
  tags: ["spatial", "grid", "transformation"],

  generate(rng, difficulty) {
    const rows = rng.int(2, 3 + Math.floor(difficulty / 3)), cols = rng.int(3, 3 + Math.ceil(difficulty / 3));
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const grid = Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.pick(letters.split(""))).join(""));
    const ops = Array.from({ length: 1 + difficulty }, () => rng.pick(Object.keys(OPS)));
    return { grid, ops };
  },

  prompt(state) {
    const steps = state.ops.map((op, i) => `${i + 1}. ${op}`).join("\n");
    return `Start with this grid of letters (${state.grid.length} rows, ${state.grid[0].length} columns):\n\n` +
      `${state.grid.map((r) => r.split("").join(" ")).join("\n")}\n\nApply these transformations in order, each to the result of the previous one:\n${steps}\n\n` +
      `Answer with the final grid, one row per line, letters separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    // Rows are the non-empty lines (or "/"-separated parts); spacing and case do not matter.
    const rows = answer.split(/[\n\/|;]/).map((l) => l.replace(/[^A-Za-z]/g, "").toUpperCase()).filter((l) => l.length);
    const want = apply(state).map((r) => r.join(""));
    return rows.length === want.length && rows.every((r, i) => r === want[i]) ? 1 : 0;
  },

  solve(state) {
    return apply(state).map((r) => r.join(" ")).join("\n");
  },
};
