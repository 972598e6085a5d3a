/**
 * Near-duplicate fingerprints. Two environments are the same task when either
 * - their code is the same after canonicalising cosmetic choices: comments and whitespace
 *   dropped, every identifier -> `I`, every string/template -> `S`, semicolons dropped, numbers
 *   normalised (renaming variables, rewording the name/description or messages does not count); or
 * - their behaviour is the same: the prompts of a few fixed (seed, difficulty) pairs, with the
 *   environment's name removed and whitespace/case folded.
 */
import { sha256 } from '../lib/hash';

const KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for ' +
    'function if import in instanceof let new null of return static super switch this throw true try typeof undefined var void while ' +
    'with yield async await get set'
  ).split(' '),
);

/** Canonical token stream of JavaScript source (a lexer good enough for fingerprints, not a parser). */
export function canonicalTokens(src: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = src.length;
  const regexAllowed = () => {
    const prev = out[out.length - 1];
    if (prev === undefined) return true;
    return !(prev === 'I' || prev === 'S' || prev === ')' || prev === ']' || prev === '}' || /^[0-9.]/.test(prev) || prev === 'this');
  };
  while (i < n) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      i = e < 0 ? n : e + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < n && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
      i++;
      out.push('S');
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let j = i + 1,
        inClass = false;
      while (j < n && src[j] !== '\n') {
        const d = src[j]!;
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < n && /[a-z]/i.test(src[j]!)) j++;
      out.push('R' + src.slice(i, j));
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9]+)?)n?/.exec(src.slice(i))!;
      const text = m[0] || c;
      const v = Number(text.replace(/_/g, '').replace(/n$/, ''));
      out.push(Number.isFinite(v) ? String(v) : text);
      i += text.length;
      continue;
    }
    if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(src[j]!)) j++;
      const word = src.slice(i, j);
      out.push(KEYWORDS.has(word) ? word : 'I');
      i = j;
      continue;
    }
    const op =
      /^(>>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|&&=|\|\|=|\?\?=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.|\+\+|--|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|\*\*|<<|>>)/.exec(
        src.slice(i),
      );
    const tok = op ? op[0] : c;
    i += tok.length;
    if (tok === ';') continue;
    // Trailing commas are cosmetic.
    out.push(tok);
  }
  return out.filter((t, k, a) => !(t === ',' && (a[k + 1] === '}' || a[k + 1] === ']' || a[k + 1] === ')')));
}

export function codeFingerprint(source: string): string {
  return sha256(canonicalTokens(source).join(' '));
}

/** The fixed instances whose prompts make the behavioural fingerprint. */
export const BEHAVIOR_PROBES: { seed: number; difficulty: number }[] = [
  { seed: 1, difficulty: 1 },
  { seed: 2, difficulty: 3 },
  { seed: 3, difficulty: 5 },
  { seed: 4, difficulty: 8 },
];

export function behaviorFingerprint(prompts: string[], envName: string): string {
  const strip = (p: string) => {
    let s = p.toLowerCase();
    const names = [envName, envName.replace(/-/g, ' '), envName.replace(/-/g, '_')].map((x) => x.toLowerCase()).filter(Boolean);
    for (const nm of names) s = s.split(nm).join(' ');
    return s.replace(/\s+/g, ' ').trim();
  };
  return sha256(prompts.map(strip).join('\n\u0000\n'));
}
