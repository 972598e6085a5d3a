/** Every workflow resyn registers (the worker bundles this file). */
export { pingWorkflow } from './ping';
export { sampleTrainingData } from './sample-training-data';
export { calibrateDifficulty } from './calibrate-difficulty';
export { synthesizeEnvironment } from './synthesize-environment';
export { growLibrary } from './grow-library';
export { nightlyGrowth } from './nightly-growth';
export { resumeRun } from './resume-run';
