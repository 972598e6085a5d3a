/**
 * The evaluation tasks resyn's data must not leak into: BIG-Bench Hard (Suzgun et al., 2022,
 * "Challenging BIG-Bench Tasks and Whether Chain-of-Thought Can Solve Them": 27 tasks) and
 * BIG-Bench Extra Hard (Kazemi et al., 2025: 23 tasks, each a harder replacement of a BBH task)
 * — the benchmarks the ReSyn paper reports. Names as the papers give them; the short
 * descriptions are written from the papers' task descriptions, with the words a task is known by.
 */
export interface BenchmarkTask {
  benchmark: 'BBH' | 'BBEH';
  name: string;
  description: string;
}

const bbh = (name: string, description: string): BenchmarkTask => ({ benchmark: 'BBH', name, description });
const bbeh = (name: string, description: string): BenchmarkTask => ({ benchmark: 'BBEH', name, description });

export const BBH_TASKS: readonly BenchmarkTask[] = [
  bbh('boolean_expressions', 'Evaluate the truth value of a Boolean expression built from True, False and the operators and, or, not.'),
  bbh(
    'causal_judgement',
    'Read a short story and answer how a typical person would judge causation: did an event or agent cause the outcome.',
  ),
  bbh(
    'date_understanding',
    'Given sentences about a date, compute another date (yesterday, a week from today) in MM/DD/YYYY format; calendar reasoning.',
  ),
  bbh('disambiguation_qa', 'Determine the antecedent of an ambiguous pronoun in a sentence, or say that it is ambiguous.'),
  bbh(
    'dyck_languages',
    'Complete a Dyck-language sequence: close the open parentheses and brackets of a balanced bracket sequence in the right order.',
  ),
  bbh(
    'formal_fallacies',
    'Decide whether a natural-language argument from stated premises to a conclusion is deductively valid or a formal fallacy.',
  ),
  bbh('geometric_shapes', 'Name the geometric shape (polygon, circle, sector, line) drawn by an SVG path element with several commands.'),
  bbh(
    'hyperbaton',
    'Pick the sentence with the correct English adjective order (opinion, size, age, shape, color, origin, material, purpose).',
  ),
  bbh(
    'logical_deduction_three_objects',
    'Deduce the order of three objects (books on a shelf, birds on a branch, golfers in a tournament) from clues about their relative positions; seating and ordering constraints.',
  ),
  bbh(
    'logical_deduction_five_objects',
    'Deduce the order of five objects in a line from clues about their relative positions (left of, right of, second from the end); ordering puzzle.',
  ),
  bbh(
    'logical_deduction_seven_objects',
    'Deduce the order of seven objects in a line from clues about their relative positions and rankings; ordering puzzle.',
  ),
  bbh('movie_recommendation', 'Given movies a user liked, choose the most similar movie among the options.'),
  bbh(
    'multistep_arithmetic_two',
    'Evaluate a multi-step arithmetic expression with nested parentheses, addition, subtraction and multiplication of integers.',
  ),
  bbh(
    'navigate',
    'Follow navigation instructions (take steps forward, backward, turn left, turn right) and decide whether the agent ends at the starting point.',
  ),
  bbh(
    'object_counting',
    'Count the objects of a kind (fruits, vegetables, musical instruments, animals) in a list of possessions with quantities.',
  ),
  bbh(
    'penguins_in_a_table',
    'Answer questions about a table of penguins and their attributes (name, age, height, weight), possibly after rows are added or removed.',
  ),
  bbh(
    'reasoning_about_colored_objects',
    'Answer questions about the colors, counts and positions of objects arranged in a row on a surface.',
  ),
  bbh('ruin_names', 'Find the one-character edit of an artist, band or movie name that makes a humorous new name.'),
  bbh(
    'salient_translation_error_detection',
    'Classify the error in an English translation of a German sentence: named entities, numerical values, modifiers, negation, facts or dropped content.',
  ),
  bbh('snarks', 'Of two nearly identical sentences, tell which one is sarcastic.'),
  bbh('sports_understanding', 'Decide whether a sentence about an athlete and a sports action is plausible.'),
  bbh(
    'temporal_sequences',
    'Given what a person did during the day and when, find the time slot in which they could have done another activity; schedule and time interval reasoning.',
  ),
  bbh(
    'tracking_shuffled_objects_three_objects',
    'Three people hold objects or partners and swap them pairwise in a sequence of trades; track the swaps and give who holds what at the end.',
  ),
  bbh(
    'tracking_shuffled_objects_five_objects',
    'Five people swap balls, books or dance partners in a sequence of pairwise swaps; track the final assignment.',
  ),
  bbh(
    'tracking_shuffled_objects_seven_objects',
    'Seven people swap objects in a sequence of pairwise swaps; track the final positions of the objects.',
  ),
  bbh(
    'web_of_lies',
    'A chain of people each says whether the previous one lies or tells the truth; decide whether the last person tells the truth (liars and truth-tellers, Boolean word problem).',
  ),
  bbh('word_sorting', 'Sort a list of words alphabetically (lexicographic order).'),
];

export const BBEH_TASKS: readonly BenchmarkTask[] = [
  bbeh(
    'BoardgameQA',
    'Decide whether a statement follows from a board-game scenario: facts, rules that can conflict, and preferences between rules (defeasible reasoning with contradictory information).',
  ),
  bbeh(
    'Boolean Expressions',
    'Find the true one among long nested Boolean expressions mixing True, False, and, or, not with arithmetic comparisons and inequalities.',
  ),
  bbeh(
    'Buggy Tables',
    'Answer questions about a table given in a corrupted, buggy format together with a description of the bug: reconstruct the table and compute aggregates.',
  ),
  bbeh('Causal Understanding', 'Answer causal attribution, necessity, sufficiency and counterfactual questions about short stories.'),
  bbeh('DisambiguationQA', 'Resolve the antecedents of ambiguous pronouns in long sentences, or say that a pronoun is ambiguous.'),
  bbeh(
    'Dyck Languages',
    'Find the first mistake in a step-by-step reasoning trace that completes a Dyck bracket sequence of parentheses and brackets.',
  ),
  bbeh('Geometric Shapes', 'Identify the shapes drawn by SVG paths with several shapes, distractor commands and transformations.'),
  bbeh('Hyperbaton', 'Learn the adjective order of a made-up language variant from example sentences and judge which sentences follow it.'),
  bbeh('Linguini', 'Solve Linguistics Olympiad puzzles: infer the grammar and translations of an unfamiliar language from a few examples.'),
  bbeh('Movie Recommendation', 'Choose the best recommendation among sets of movies given longer lists of movies a user liked.'),
  bbeh(
    'Multistep Arithmetic',
    'Evaluate long arithmetic expressions that use newly defined operators composed from standard arithmetic operations.',
  ),
  bbeh('NYCC', 'Pick the funniest caption for a New Yorker cartoon described in text (humour understanding).'),
  bbeh('Object Counting', 'Count objects of a kind in long lists of possessions with quantities and distractors.'),
  bbeh(
    'Object Properties',
    'Track properties (color, size, origin, smell, material) of a collection of objects through a sequence of changes and answer counting questions.',
  ),
  bbeh('SARC Triples', 'Decide which of three sentences are sarcastic.'),
  bbeh('Shuffled Objects', 'Track objects through a long sequence of swaps and shuffles among people and give the final assignment.'),
  bbeh(
    'Spatial Reasoning',
    'Navigate spatial structures described in text (grids, hexagonal boards, objects in rooms) and answer questions about positions and directions.',
  ),
  bbeh('SportQA', 'Answer hard questions about sports rules and whether game situations are plausible.'),
  bbeh(
    'Temporal Sequences',
    'Find a meeting time slot that fits the calendars, availability and constraints of several people (scheduling).',
  ),
  bbeh('Time Arithmetic', 'Compute dates and times: add or subtract durations, days of the week, time zones, calendar arithmetic.'),
  bbeh(
    'Web of Lies',
    'Decide who tells the truth in long chains of statements by liars and truth-tellers, some of them unknown (knights and knaves style).',
  ),
  bbeh('Word Sorting', 'Sort words under a modified alphabet order, or find the first mistake in a reasoning trace that sorts words.'),
  bbeh(
    'Zebra Puzzles',
    'Solve logic grid (Einstein, zebra) puzzles: assign attributes to houses or positions from a list of clues; constraint satisfaction.',
  ),
];

export const EVALUATION_TASKS: readonly BenchmarkTask[] = [...BBH_TASKS, ...BBEH_TASKS];
