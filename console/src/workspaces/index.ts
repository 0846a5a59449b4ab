import { agentWorkspace } from './agent/agent-workspace';
import { complianceWorkspace } from './compliance/compliance-workspace';
import { knowledgeWorkspace } from './knowledge/knowledge-workspace';
import type { Workspace } from './workspace';

/** The console's tabs, in order; the first is the landing page. A new workspace is one folder and one line here. */
export const workspaces: readonly Workspace[] = [agentWorkspace, knowledgeWorkspace, complianceWorkspace];
