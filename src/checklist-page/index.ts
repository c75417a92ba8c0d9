export {
  createChecklistPageServer,
  type ChecklistPageOptions,
  type ChecklistPageServer,
} from './checklist-page-server';
export { checklistPageFromConfig } from './from-config';
