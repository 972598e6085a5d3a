// Vigenere decryption with a known key (a Caesar shift when the key has one letter).
// Only letters count in the answer: spacing, punctuation and case are ignored.
const WORDS = ["river", "stone", "garden", "window", "silver", "market", "planet", "forest", "candle", "bridge", "orange", "yellow",
  "thunder", "pocket", "engine", "island", "mirror", "rocket", "winter", "summer", "travel", "mountain", "library", "harbor",
  "castle", "dragon", "violin", "pencil", "jungle", "desert", "anchor", "meadow", "lantern", "compass", "falcon", "glacier"];
const shiftText = (text, key, dir) => {
  let k = 0;
  return text.replace(/[a-z]/g, (ch) => {
    const s = key.charCodeAt(k++ % key.length) - 97;
    return String.fromCharCode(((ch.charCodeAt(0) - 97 + dir * s + 26) % 26) + 97);
  });
};

export default {
  name: "vigenere-decrypt",
  description: "Decrypt a Vigenere ciphertext given its key.",
  tags: ["strings", "cipher", "decryption"],

  generate(rng, difficulty) {
    const words = Array.from({ length: 2 + Math.ceil(difficulty / 2) }, () => rng.pick(WORDS));   // 3..7 words
    const keyLen = difficulty <= 2 ? 1 : rng.int(2, 2 + Math.floor(difficulty / 2));
    const key = Array.from({ length: keyLen }, () => String.fromCharCode(97 + rng.int(1, 25))).join("");
    return { cipher: shiftText(words.join(" "), key, 1), key };
  },

  prompt(state) {
    return `This text was encrypted with the Vigenere cipher using the key "${state.key}": each letter of the plaintext was shifted forward in the alphabet ` +
      `(wrapping from z to a) by the value of the next key letter (a = 0, b = 1, ..., z = 25); the key repeats, spaces are kept and do not use up key letters.\n\n` +
      `Ciphertext: ${state.cipher}\n\nAnswer with the decrypted plaintext in lowercase, words separated by spaces.`;
  },

  verify(state, answer) {
    if (typeof answer !== "string" || answer.length > 10000) return 0;
    const want = shiftText(state.cipher, state.key, -1).replace(/[^a-z]/g, "");
    return answer.toLowerCase().replace(/[^a-z]/g, "") === want ? 1 : 0;
  },

  solve(state) {
    return shiftText(state.cipher, state.key, -1);
  },
};
