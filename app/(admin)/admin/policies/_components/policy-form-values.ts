import type { TPicked } from "./option-picker";

/** The policy form's state (plain module: the server pages build it, the client form edits it). */
export type TStepValue = { name: string; quorum: number; users: TPicked[]; groups: TPicked[] };
export type TPolicyFormValues = {
  id: string | null;
  updatedAt: string | null;
  name: string;
  description: string;
  enabled: boolean;
  integrationId: string | null;
  accounts: TPicked[];
  orgUnits: TPicked[];
  targetTypes: string[];
  accessLevels: string[];
  resources: TPicked[];
  permissionSets: TPicked[];
  groups: TPicked[];
  tagConditions: { key: string; values: string }[];
  allowEveryone: boolean;
  requesterUsers: TPicked[];
  requesterGroups: TPicked[];
  maxDurationMinutes: number;
  pendingTimeoutMinutes: number;
  requireJustification: boolean;
  requireTicket: boolean;
  ticketPattern: string;
  autoApprove: boolean;
  steps: TStepValue[];
};

export const EMPTY_POLICY: TPolicyFormValues = {
  id: null,
  updatedAt: null,
  name: "",
  description: "",
  enabled: true,
  integrationId: null,
  accounts: [],
  orgUnits: [],
  targetTypes: [],
  accessLevels: [],
  resources: [],
  permissionSets: [],
  groups: [],
  tagConditions: [],
  allowEveryone: false,
  requesterUsers: [],
  requesterGroups: [],
  maxDurationMinutes: 60,
  pendingTimeoutMinutes: 1440,
  requireJustification: true,
  requireTicket: false,
  ticketPattern: "",
  autoApprove: false,
  steps: [{ name: "Approval", quorum: 1, users: [], groups: [] }],
};

