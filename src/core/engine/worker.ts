/**
 * Worker-thread entry of the CPU pool: the elaboration's pure functions, run
 * off the host's event loop (an Electron main process that computes freezes
 * every window). Tasks and results are plain data over typed arrays.
 */
import { elaborateChunk } from '../elaboration/elaborate.ts';
import { computeReferences } from '../elaboration/reference.ts';
import type { ChainState } from '../elaboration/state.ts';
import type { ChainModel, RawBlock, References } from '../elaboration/types.ts';

export interface ReferenceTask {
  kind: 'references';
  model: ChainModel;
  block: RawBlock;
  tRef: number;
}

export interface ElaborateTask {
  kind: 'elaborate';
  model: ChainModel;
  refs: References;
  block: RawBlock;
  outputFrom: number;
  /** what the previous chunk of the run left; null for the run's first chunk (which holds the look-back context) */
  state: ChainState | null;
}

export type WorkerTask = ReferenceTask | ElaborateTask;

export default function runTask(task: WorkerTask): unknown {
  if (task.kind === 'references') return computeReferences(task.model, task.block, task.tRef);
  return elaborateChunk(task.model, task.refs, task.block, task.outputFrom, task.state);
}
