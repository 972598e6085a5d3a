/**
 * The dataset card (README.md) with the Hugging Face YAML header: `configs` with data_files per
 * split (so `datasets.load_dataset(<folder>)` needs no arguments), the features of the row
 * schema, the license, and a body saying what the rows are, the environment mix and how they
 * were made. Pure: the same manifest gives the same bytes.
 */
import type { Manifest } from './manifest';

/** The row schema as `datasets` Features (must match the Parquet schema in writers.ts). */
const FEATURES_YAML = `  features:
  - name: id
    dtype: string
  - name: env_id
    dtype: string
  - name: env_name
    dtype: string
  - name: seed
    dtype: int64
  - name: difficulty
    dtype: int32
  - name: data_source
    dtype: string
  - name: prompt
    list:
    - name: role
      dtype: string
    - name: content
      dtype: string
  - name: ability
    dtype: string
  - name: reward_model
    struct:
    - name: style
      dtype: string
    - name: ground_truth
      dtype: string
  - name: extra_info
    struct:
    - name: split
      dtype: string
    - name: index
      dtype: int64
    - name: tags
      list: string
    - name: question
      dtype: string`;

function sizeCategory(n: number): string {
  if (n < 1_000) return 'n<1K';
  if (n < 10_000) return '1K<n<10K';
  if (n < 100_000) return '10K<n<100K';
  if (n < 1_000_000) return '100K<n<1M';
  return '1M<n<10M';
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
const q = (s: string) => JSON.stringify(s);

/** Markdown table cell: no pipes or newlines. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

export interface CardExtras {
  /** Markdown sections appended to the body (charts, contamination), in order. */
  sections?: { title: string; body: string }[];
}

export function buildCard(m: Manifest, extras: CardExtras = {}): string {
  const format = m.request.formats.includes('parquet') ? 'parquet' : 'jsonl';
  const splits = (['train', 'validation'] as const).filter((s) => m.totals[s] > 0);
  const license = m.license;
  const yaml = [
    '---',
    `license: ${license}`,
    `pretty_name: ${q(`resyn ${m.name}`)}`,
    'language:',
    '- en',
    'task_categories:',
    '- text-generation',
    'tags:',
    '- reasoning',
    '- rlvr',
    '- reinforcement-learning',
    '- synthetic',
    '- resyn',
    'size_categories:',
    `- ${sizeCategory(m.totals.rows)}`,
    'configs:',
    '- config_name: default',
    '  data_files:',
    ...splits.flatMap((s) => [`  - split: ${s}`, `    path: ${q(`${s}-*.${format}`)}`]),
    'dataset_info:',
    FEATURES_YAML,
    '  splits:',
    ...splits.flatMap((s) => [`  - name: ${s}`, `    num_examples: ${m.totals[s]}`]),
    '---',
  ].join('\n');

  const envRows = m.environments.map(
    (e) =>
      `| ${cell(e.name)} | ${cell(e.family ?? '')} | ${cell(e.description ?? '')} | ${e.train} | ${e.validation} | ${e.levels.map((l) => l.level).join(', ')} | \`${e.id.slice(0, 12)}\` |`,
  );
  const levels = Object.keys(m.mix.byDifficulty).sort((a, b) => Number(a) - Number(b));
  const families = Object.keys(m.mix.byFamily).sort();
  const pl = m.promptLength;
  const selection = m.selection?.passRate;
  const body = [
    `# resyn dataset \`${m.name}\``,
    '',
    `RLVR training data made by resyn (ReSyn pipeline) from ${m.environments.length} verifiable reasoning environments: ` +
      `${m.totals.rows} rows (${m.totals.train} train, ${m.totals.validation} validation). Each row is one instance ` +
      "(environment, seed, difficulty); its reward is computed by the environment's own verifier, whose source is in " +
      '`environments/<env_id>.js` in this folder — the dataset scores with no registry and no network.',
    '',
    '## How the rows were made',
    '',
    '- Environments are JavaScript modules (`generate(rng, difficulty)`, `prompt(state)`, `verify(state, answer)`, `solve(state)`) ' +
      'written by an LLM from seed keywords, checked automatically and by an LLM judge (the ReSyn pipeline), or hand-written seeds. ' +
      "An environment's id is the sha256 of its normalised source.",
    `- Instances: deterministic seeds per environment and split (train seeds in [0, 2^31), validation seeds in [2^31, 2^32): the splits never share an instance); difficulty levels ${levels.join(', ')}.`,
    "- The prompt is the environment's question followed by one standard instruction: put the final answer inside `<answer>...</answer>`.",
    `- Sampling request: \`${JSON.stringify(m.request)}\``,
    ...(selection
      ? [
          `- Per-instance selection: the policy model \`${selection.model}\` made ${selection.k} attempts per instance; rows whose pass rate lies in [${selection.min}, ${selection.max}] were kept (the manifest lists each row's pass rate).`,
        ]
      : []),
    `- Left out: ${m.totals.dropped} instances (see \`manifest.json\` → \`dropped\` for each reason).`,
    '',
    '## Environments',
    '',
    '| environment | family | description | train | validation | levels | id |',
    '| --- | --- | --- | ---: | ---: | --- | --- |',
    ...envRows,
    '',
    '## Mix: family × difficulty (train + validation rows)',
    '',
    `| family | ${levels.join(' | ')} |`,
    `| --- | ${levels.map(() => '---:').join(' | ')} |`,
    ...families.map((f) => `| ${cell(f)} | ${levels.map((l) => String(m.mix.byFamilyDifficulty?.[f]?.[l] ?? 0)).join(' | ')} |`),
    '',
    '## Prompt lengths',
    '',
    pl
      ? `Tokens of the chat-templated prompt, counted with ${pl.tokenizer}: median ${pl.tokens.p50}, p95 ${pl.tokens.p95}, max ${pl.tokens.max} ` +
        `(characters: median ${pl.chars.p50}, max ${pl.chars.max}). Max prompt length ${pl.maxPromptTokens} tokens (${pl.overlong}): ` +
        `${pl.overlongRows} rows over it${pl.overlong === 'warn' ? " kept — raise the trainer's max prompt length (verl: `data.max_prompt_length`, default 512) or filter them" : ''}. ` +
        'Per-row numbers: `manifest.json` → `rows`.'
      : 'Not recorded.',
    '',
    ...(extras.sections ?? []).flatMap((s) => [`## ${s.title}`, '', s.body, '']),
    '## Columns',
    '',
    '`id`, `env_id`, `env_name`, `seed`, `difficulty`, `data_source` (`resyn/<env_name>`), `prompt` (chat messages), `ability` (family), ' +
      '`reward_model` (`{style: "rule", ground_truth: "{\\"env_id\\",\\"seed\\",\\"difficulty\\"}"}`), `extra_info` (`split`, `index`, `tags`, `question`). ' +
      "The layout is verl's; TRL reads `prompt` as a conversational prompt.",
    '',
    '## Scoring',
    '',
    '```bash',
    `resyn score --dataset .            # stdin JSONL {ground_truth, response} -> {reward, reason}`,
    `resyn serve-rewards --dataset .    # POST /v1/rewards, POST /openrlhf/reward`,
    '```',
    '',
    'In Python (verl, TRL): `examples/resyn_reward.py` from the resyn repository.',
    '',
    '## Files',
    '',
    `- \`${splits.map((s) => `${s}-NNNNN-of-NNNNN.${m.request.formats.join('|')}`).join('`, `')}\`: the rows`,
    '- `environments/<env_id>.js`: the source of every environment the rows use',
    '- `manifest.json`: shards with sha256, environments, the request, the mix, per-row prompt lengths and pass rates, left-out instances',
    '',
    '## License',
    '',
    `${license}.`,
    '',
  ].join('\n');
  return `${yaml}\n\n${body}`;
}
