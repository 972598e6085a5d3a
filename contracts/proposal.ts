/** A task proposal for a keyword: what the generator is asked to build (proposeTasks -> synthesizeEnvironment). */
import { z } from 'zod';

export interface Proposal {
  name: string;
  description: string;
}

/** A proposal as a workflow input carries it (strict: an unknown key from the UI is a typo). */
export const proposalSchema = z.strictObject({ name: z.string().min(1).max(200), description: z.string().min(1).max(4000) });
