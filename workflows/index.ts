/** Every workflow resyn registers (the worker bundles this file). */
export { pingWorkflow } from './ping';
