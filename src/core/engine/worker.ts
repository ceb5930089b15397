/**
 * Worker-thread entry of the CPU pool: the elaboration's pure functions, run
 * off the host's event loop (an Electron main process that computes freezes
 * every window). Tasks and results are plain data over typed arrays.
 */
import { elaborateBlock } from '../elaboration/elaborate.ts';
import { computeReferences } from '../elaboration/reference.ts';
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
}

export type WorkerTask = ReferenceTask | ElaborateTask;

export default function runTask(task: WorkerTask): unknown {
  if (task.kind === 'references') return computeReferences(task.model, task.block, task.tRef);
  return elaborateBlock(task.model, task.refs, task.block, task.outputFrom);
}
