export {
  createChecklistLink,
  createChecklistToken,
  tokenOfChecklistLink,
  verifyChecklistToken,
  type ChecklistClaims,
  type ChecklistKeys,
  type ChecklistTokenResult,
  type CreateChecklistLinkInput,
} from './checklist-links';
export { checklistKeysFromConfig, SANDBOX_CHECKLIST_KEY_ID } from './checklist-keys';
