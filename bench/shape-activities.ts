/**
 * The bench's bare-shape activities (see shape-workflow.ts): no-ops, so that the shape's cost is
 * Temporal's alone. Shared by the workflow (types only) and the shape worker.
 */
export const shapeActivities = {
  async shapeLocalStep(): Promise<void> {},
  async shapeRemoteStep(): Promise<void> {},
};

export type ShapeActivities = typeof shapeActivities;

/** The task queue of the shape's activity when it runs on a queue of its own, as hookflow's handler queues. */
export function shapeActivityQueue(workflowQueue: string): string {
  return `${workflowQueue}-activities`;
}
