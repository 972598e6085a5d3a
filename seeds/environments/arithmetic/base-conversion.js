// Base conversion between bases 2..16 (digits 0-9 then A-F), e.g. base 7 to base 12.
const DIGITS = "0123456789ABCDEF";
function toBase(n, b) {
  let s = "";
  do { s = DIGITS[n % b] + s; n = Math.floor(n / b); } while (n > 0);
  return s;
}

export default {
  name: "base-conversion",
  description: "Convert a number written in one base (2..16) into another base.",
  tags: ["arithmetic", "number-systems", "conversion"],

  generate(rng, difficulty) {
    const bits = 6 + 4 * difficulty;                         // values up to 2^46
    const n = Math.floor(rng.float() * 2 ** bits) + 2 ** (bits - 2);
    const from = rng.int(2, 16);
    let to = rng.int(2, 16);
    while (to === from || (from === 10 && to === 10)) to = rng.int(2, 16);
    return { digits: toBase(n, from), from, to };
  },

  prompt(state) {
    return `The number ${state.digits} is written in base ${state.from} (digits 0-9 and then A-F for 10-15). ` +
      `Write the same number in base ${state.to}.\nAnswer with the digits in base ${state.to} only (no prefix, no base subscript).`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const got = answer.trim().toUpperCase().replace(/[\s_,]/g, "").replace(/^0+(?=.)/, "");
    return got === toBase(parseInt(state.digits, state.from), state.to) ? 1 : 0;
  },

  solve(state) {
    return toBase(parseInt(state.digits, state.from), state.to);
  },
};
