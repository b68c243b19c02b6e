import { inPartition, partitionOfRegion } from "./partition";
import { populateAccount } from "./populate";
import {
  addAccount,
  addGroup,
  addMembership,
  addOu,
  addPermissionSet,
  addUser as addUserRaw,
  applyProvisioning,
  assignmentKey,
  createState,
  tagsFrom,
} from "./state";
import type { SimState } from "./types";
import { resourcesOf } from "./util";

/** Fixed identifiers of the demo organization; the portal's demo mode and tests import these. */
export const SAMPLE_ORG = {
  organizationId: "o-jitdemo001",
  rootId: "r-jt01",
  managementAccountId: "111111111111",
  managementAccountName: "management",
  managementEmail: "aws-management@example.com",
  accessKeyId: "AKIAJITDEMO000000001",
  secretAccessKey: "jitDemoSecretAccessKey0000000000000000001",
  region: "us-east-1",
  homeRegion: "us-east-1",
  regions: ["us-east-1", "eu-west-1"],
  instanceArn: "arn:aws:sso:::instance/ssoins-7223aa11bb22cc33",
  identityStoreId: "d-9067aa11bb",
  portalRoleName: "jit-portal-access",
  externalId: "jit-demo-external-id",
  accounts: {
    management: "111111111111",
    prodWorkloads: "222222222222",
    devWorkloads: "333333333333",
    sandbox: "444444444444",
    securityAudit: "555555555555",
    logArchive: "666666666666",
    dataProd: "777777777777",
  },
  users: {
    riley: "riley@example.com",
    avery: "avery@example.com",
    sam: "sam@example.com",
    adrian: "adrian@example.com",
  },
} as const;

const OTHER_USERS: [string, string][] = [
  ["Jordan", "Lee"], ["Morgan", "Diaz"], ["Casey", "Nguyen"], ["Taylor", "Brooks"], ["Jamie", "Patel"],
  ["Quinn", "Harper"], ["Drew", "Kim"], ["Alex", "Romero"], ["Parker", "Singh"], ["Reese", "Walker"],
  ["Skyler", "Moreno"], ["Rowan", "Fischer"], ["Emerson", "Ito"], ["Hayden", "Novak"], ["Logan", "Silva"],
  ["Dakota", "Reyes"],
];

/**
 * An organization with only SAMPLE_ORG's management identity (keys, instance, identity store), in the partition
 * of `homeRegion` (the instance ARN follows it).
 */
export function emptySampleOrgState(homeRegion: string = SAMPLE_ORG.homeRegion): SimState {
  const S = SAMPLE_ORG;
  return createState({
    organizationId: S.organizationId,
    managementAccountId: S.managementAccountId,
    managementAccountName: S.managementAccountName,
    managementEmail: S.managementEmail,
    rootId: S.rootId,
    instanceArn: inPartition(S.instanceArn, partitionOfRegion(homeRegion)),
    identityStoreId: S.identityStoreId,
    homeRegion,
    accessKeyId: S.accessKeyId,
    secretAccessKey: S.secretAccessKey,
  });
}

/** Builds the demo organization described in lib/aws-sim/README.md. */
export function sampleOrgState(now = Date.now(), homeRegion: string = SAMPLE_ORG.homeRegion): SimState {
  const S = SAMPLE_ORG;
  const state = emptySampleOrgState(homeRegion);
  const region = state.regions[0] ?? homeRegion;
  const ou = (id: string, name: string, parentId: string) => addOu(state, { id, name, parentId, tags: [] }).id;
  const workloads = ou("ou-jt01-workload", "Workloads", S.rootId);
  const prod = ou("ou-jt01-prod0001", "Prod", workloads);
  const dev = ou("ou-jt01-dev00001", "Dev", workloads);
  const sandbox = ou("ou-jt01-sandbox1", "Sandbox", S.rootId);
  const security = ou("ou-jt01-security", "Security", S.rootId);

  const members: { id: string; name: string; parent: string; env: string; team: string }[] = [
    { id: S.accounts.prodWorkloads, name: "prod-workloads", parent: prod, env: "prod", team: "platform" },
    { id: S.accounts.dataProd, name: "data-prod", parent: prod, env: "prod", team: "data" },
    { id: S.accounts.devWorkloads, name: "dev-workloads", parent: dev, env: "dev", team: "platform" },
    { id: S.accounts.sandbox, name: "sandbox", parent: sandbox, env: "sandbox", team: "platform" },
    { id: S.accounts.securityAudit, name: "security-audit", parent: security, env: "security", team: "security" },
    { id: S.accounts.logArchive, name: "log-archive", parent: security, env: "security", team: "security" },
  ];
  for (const m of members) {
    addAccount(state, {
      id: m.id,
      name: m.name,
      email: `aws+${m.name}@example.com`,
      parentId: m.parent,
      joinedAt: now,
      tags: tagsFrom({ environment: m.env, team: m.team }),
    });
    populateAccount(state, {
      accountId: m.id,
      environment: m.env,
      team: m.team,
      count: 16,
      portalRoleName: S.portalRoleName,
      externalId: S.externalId,
      now,
    });
    // a secret pending deletion: ListSecrets must hide it unless IncludePlannedDeletion
    const res = resourcesOf(state, m.id);
    res.secrets.push({
      name: `${m.env}/${m.team}/retired-credentials`,
      arn: `arn:${state.partition}:secretsmanager:${region}:${m.id}:secret:${m.env}/${m.team}/retired-credentials-AbCdEf`,
      region,
      createdAt: now,
      lastChangedAt: now,
      deletedAt: now,
      tags: tagsFrom({ team: m.team, environment: m.env }),
    });
  }

  // identity store
  const addUser = (st: SimState, givenName: string, familyName: string, email: string) =>
    addUserRaw(st, { userName: email, displayName: `${givenName} ${familyName}`, givenName, familyName, email });
  const riley = addUser(state, "Riley", "Park", S.users.riley);
  const avery = addUser(state, "Avery", "Chen", S.users.avery);
  const sam = addUser(state, "Sam", "Ortiz", S.users.sam);
  const adrian = addUser(state, "Adrian", "Cole", S.users.adrian);
  const others = OTHER_USERS.map(([g, f]) => addUser(state, g, f, `${g.toLowerCase()}@example.com`));

  const g = (displayName: string, description: string) => addGroup(state, { displayName, description }).groupId;
  const developers = g("Developers", "Application developers");
  const leads = g("Platform Leads", "Platform team leads; approve production access");
  const securityG = g("Security", "Security engineering");
  const admins = g("Platform Admins", "Administrators of the JIT access portal");
  const dataEng = g("Data Engineers", "Data platform engineers");
  const auditors = g("Read Only Auditors", "Internal and external auditors");

  addMembership(state, developers, riley.userId);
  addMembership(state, leads, avery.userId);
  addMembership(state, developers, avery.userId);
  addMembership(state, securityG, sam.userId);
  addMembership(state, securityG, adrian.userId);
  addMembership(state, admins, adrian.userId);
  others.forEach((u, i) => {
    const target = [developers, dataEng, developers, auditors, dataEng, developers][i % 6] ?? developers;
    addMembership(state, target, u.userId);
    if (i % 5 === 0) addMembership(state, auditors, u.userId);
  });

  // permission sets
  const readOnlyPolicy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Deny", Action: ["secretsmanager:GetSecretValue"], Resource: "*" }],
  });
  const ps = (name: string, description: string, managed: string[], sessionDuration = "PT1H", inline?: string) =>
    addPermissionSet(
      state,
      {
        name,
        description,
        sessionDuration,
        managedPolicyArns: managed.map((arn) => inPartition(arn, state.partition)),
        inlinePolicy: inline,
        tags: tagsFrom({ "managed-by": "jit-portal" }),
      },
      now,
    );
  const admin = ps("AdministratorAccess", "Full administrative access", ["arn:aws:iam::aws:policy/AdministratorAccess"]);
  const readOnly = ps("ReadOnlyAccess", "Read-only access to all services", ["arn:aws:iam::aws:policy/ReadOnlyAccess"], "PT8H", readOnlyPolicy);
  const power = ps("PowerUserAccess", "Everything except IAM and Organizations", ["arn:aws:iam::aws:policy/PowerUserAccess"], "PT4H");
  ps("Billing", "Billing and cost management", ["arn:aws:iam::aws:policy/job-function/Billing"]);
  const dataEngPs = ps("DataEngineer", "Analytics and data pipelines", [
    "arn:aws:iam::aws:policy/AmazonAthenaFullAccess",
    "arn:aws:iam::aws:policy/AWSGlueConsoleFullAccess",
  ], "PT4H");
  const secAudit = ps("SecurityAudit", "Security audit read access", ["arn:aws:iam::aws:policy/SecurityAudit"], "PT2H");
  ps("ViewOnlyAccess", "Console view-only access", ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]);
  ps("S3ReadOnly", "Read S3 buckets", ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"], "PT2H");

  const limits = { rolesPerAccount: 1000, permissionSetsPerAccount: 500 };
  const assign = (accountId: string, psArn: string, principalType: "USER" | "GROUP", principalId: string) => {
    const set = state.permissionSets.get(psArn);
    if (!set) return;
    applyProvisioning(state, accountId, set, limits, now);
    state.assignments.set(assignmentKey(accountId, psArn, principalType, principalId), {
      accountId,
      permissionSetArn: psArn,
      principalType,
      principalId,
    });
  };
  assign(S.accounts.devWorkloads, readOnly.arn, "GROUP", developers);
  assign(S.accounts.prodWorkloads, readOnly.arn, "GROUP", leads);
  assign(S.accounts.sandbox, power.arn, "GROUP", developers);
  assign(S.accounts.dataProd, dataEngPs.arn, "GROUP", dataEng);
  for (const m of members) assign(m.id, secAudit.arn, "GROUP", securityG);
  assign(S.accounts.management, admin.arn, "GROUP", admins);
  assign(S.accounts.logArchive, readOnly.arn, "GROUP", auditors);
  // provisioned without any assignment (e.g. left over from an expired grant)
  applyProvisioning(state, S.accounts.prodWorkloads, power, limits, now);
  return state;
}
