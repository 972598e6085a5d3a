// Robot walk: follow turtle-style commands (with nested repeats at higher difficulty) and report the
// robot's final position and heading. Mental simulation with rotation bookkeeping.
const HEADINGS = ["N", "E", "S", "W"];
const STEP = { N: [0, 1], E: [1, 0], S: [0, -1], W: [-1, 0] };

function run(program, st) {
  for (const ins of program) {
    if (ins[0] === "repeat") { for (let i = 0; i < ins[1]; i++) run(ins[2], st); continue; }
    if (ins[0] === "left") st.h = (st.h + 3) % 4;
    else if (ins[0] === "right") st.h = (st.h + 1) % 4;
    else if (ins[0] === "turn around") st.h = (st.h + 2) % 4;
    else {
      const [dx, dy] = STEP[HEADINGS[st.h]], k = ins[0] === "forward" ? ins[1] : -ins[1];
      st.x += dx * k; st.y += dy * k;
    }
  }
  return st;
}
const show = (program) => program.map((ins) => ins[0] === "repeat" ? `repeat ${ins[1]} times [${show(ins[2])}]` : ins.join(" ")).join(", ");

export default {
  name: "robot-walk",
  description: "Simulate a robot following move/turn/repeat commands and report its final position and heading.",
  tags: ["spatial", "simulation", "navigation"],

  generate(rng, difficulty) {
    const simple = () => {
      const kind = rng.pick(["forward", "forward", "backward", "left", "right", "turn around"]);
      return kind === "forward" || kind === "backward" ? [kind, rng.int(1, 3 + difficulty)] : [kind];
    };
    const block = (len, depth) => Array.from({ length: len }, () =>
      depth > 0 && rng.float() < 0.25 ? ["repeat", rng.int(2, 4), block(rng.int(2, 3), depth - 1)] : simple());
    const program = block(5 + difficulty, difficulty >= 7 ? 2 : difficulty >= 4 ? 1 : 0);
    return { program };
  },

  prompt(state) {
    return `A robot starts at (0, 0) facing north (north = +y, east = +x). It follows these commands in order:\n${show(state.program)}\n\n` +
      `"forward k" / "backward k" move k units along / against the current heading; "left" and "right" turn 90 degrees; ` +
      `"turn around" turns 180 degrees; "repeat n times [...]" runs the bracketed commands n times.\n` +
      `Answer with the final x, y and heading (N, E, S or W), for example: 3, -2, E`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const nums = answer.match(/-?\d+/g) || [];
    const dirs = answer.toUpperCase().match(/\b(NORTH|SOUTH|EAST|WEST|N|S|E|W)\b/g) || [];
    if (nums.length !== 2 || dirs.length !== 1) return 0;
    const st = run(state.program, { x: 0, y: 0, h: 0 });
    return Number(nums[0]) === st.x && Number(nums[1]) === st.y && dirs[0][0] === HEADINGS[st.h] ? 1 : 0;
  },

  solve(state) {
    const st = run(state.program, { x: 0, y: 0, h: 0 });
    return `${st.x}, ${st.y}, ${HEADINGS[st.h]}`;
  },
};
