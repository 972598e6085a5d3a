/**
 * The contamination report: how close each environment (its name, keyword, tags, description
 * and a few sample prompts) comes to an evaluation task of BIG-Bench Hard or BBEH. TF-IDF
 * weighted bag of words (light stemming, stop words out) with cosine similarity; the IDF comes
 * from the benchmark task list alone, so an environment's score never depends on what else is in
 * the library. Flagged at or above a threshold: such data can teach to the test (the ReSyn paper
 * reports its gains on exactly these benchmarks).
 */
import { type BenchmarkTask, EVALUATION_TASKS } from './benchmarks';

/** Cosine similarity at or above which an environment is flagged. */
export const CONTAMINATION_THRESHOLD = 0.3;
/** Distinct words an environment must share with the task as well. */
export const MIN_SHARED_WORDS = 3;

export interface EnvText {
  id: string;
  name: string;
  description?: string | null;
  keyword?: string | null;
  tags?: string[];
  prompts?: string[];
}

export interface ContaminationMatch {
  benchmark: BenchmarkTask['benchmark'];
  task: string;
  similarity: number;
  /** The weighted words both share, heaviest first. */
  shared: string[];
}
export interface ContaminationResult {
  envId: string;
  name: string;
  flagged: boolean;
  /** The closest tasks (best first, top 3). */
  matches: ContaminationMatch[];
}

const STOP = new Set(
  'a an the and or of to in on at by for from with as is are be been it its this that these those which who what when where how whether give given find each every one two three all any some into than then so such their there them they not no yes your you answer question final value values number numbers list use using choose most can compute add subtract example hold'.split(
    ' ',
  ),
);

function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('es') && /(s|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ed')) return w.slice(0, -2);
  return w;
}

/** Words of a text: camelCase, kebab-case and snake_case split, lower case, stemmed, no stop words or numbers. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((w) => w.length >= 2 && !STOP.has(w))
    .map(stem);
}

function counts(parts: [string, number][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [text, weight] of parts) for (const w of words(text)) m.set(w, (m.get(w) ?? 0) + weight);
  return m;
}

const taskDocs = EVALUATION_TASKS.map((t) =>
  counts([
    [t.name, 3],
    [t.description, 1],
  ]),
);
const idf = new Map<string, number>();
for (const d of taskDocs) for (const w of d.keys()) idf.set(w, (idf.get(w) ?? 0) + 1);
for (const [w, df] of idf) idf.set(w, Math.log((1 + taskDocs.length) / (1 + df)) + 1);
/** Words no task uses carry no weight: they cannot make an environment look like a task. */
const weigh = (m: Map<string, number>) => new Map([...m].filter(([w]) => idf.has(w)).map(([w, c]) => [w, (1 + Math.log(c)) * idf.get(w)!]));
const taskVecs = taskDocs.map(weigh);

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  for (const [w, x] of a) dot += x * (b.get(w) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, x) => s + x * x, 0));
  const n = norm(a) * norm(b);
  return n === 0 ? 0 : dot / n;
}

export function contaminationOf(env: EnvText, threshold = CONTAMINATION_THRESHOLD): ContaminationResult {
  const doc = counts([
    [env.name, 3],
    [env.keyword ?? '', 2],
    [(env.tags ?? []).join(' '), 1],
    [env.description ?? '', 2],
    ...(env.prompts ?? []).map((p): [string, number] => [p.slice(0, 2000), 1]),
  ]);
  const vec = weigh(doc);
  const scored = EVALUATION_TASKS.map((t, i) => {
    const tv = taskVecs[i]!;
    const shared = [...vec.keys()]
      .filter((w) => tv.has(w))
      .sort((a, b) => vec.get(b)! * tv.get(b)! - vec.get(a)! * tv.get(a)! || a.localeCompare(b));
    return { benchmark: t.benchmark, task: t.name, similarity: Math.round(cosine(vec, tv) * 1000) / 1000, shared };
  });
  scored.sort((a, b) => b.similarity - a.similarity || a.task.localeCompare(b.task));
  const matches = scored.slice(0, 3);
  // One shared word (a "color" in graph colouring) is a coincidence; a task is matched by several.
  const best = matches[0]!;
  return { envId: env.id, name: env.name, flagged: best.similarity >= threshold && best.shared.length >= MIN_SHARED_WORDS, matches };
}

/** Markdown lines for a card or a report. */
export function contaminationMarkdown(results: ContaminationResult[], threshold = CONTAMINATION_THRESHOLD): string {
  const flagged = results.filter((r) => r.flagged);
  const head =
    `Each environment's name, keyword, tags, description and sample prompts compared with the ${EVALUATION_TASKS.length} tasks of BIG-Bench Hard and BBEH ` +
    `(TF-IDF cosine similarity; flagged at ≥ ${threshold} with at least ${MIN_SHARED_WORDS} shared words). ${flagged.length} of ${results.length} flagged` +
    (flagged.length ? ': evaluating on the matching tasks after training on these rows measures partly the training data.' : '.');
  const rows = results.map((r) => {
    const best = r.matches[0]!;
    return `| ${r.name} | ${r.flagged ? '**flagged**' : 'ok'} | ${best.benchmark} ${best.task} | ${best.similarity.toFixed(2)} | ${best.shared.slice(0, 5).join(', ')} |`;
  });
  return [
    head,
    '',
    '| environment | verdict | closest task | similarity | shared words |',
    '| --- | --- | --- | ---: | --- |',
    ...rows,
  ].join('\n');
}
