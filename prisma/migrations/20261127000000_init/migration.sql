-- CreateEnum
CREATE TYPE "IntegrationKind" AS ENUM ('IDENTITY_CENTER', 'IAM_ACCOUNT');

-- CreateEnum
CREATE TYPE "RootAuthMethod" AS ENUM ('ACCESS_KEY', 'ASSUME_ROLE');

-- CreateEnum
CREATE TYPE "PrincipalType" AS ENUM ('USER', 'GROUP', 'IAM_USER', 'IAM_GROUP');

-- CreateEnum
CREATE TYPE "ResourceType" AS ENUM ('IAM_ROLE', 'IAM_POLICY', 'S3_BUCKET', 'EC2_INSTANCE', 'SECRET');

-- CreateEnum
CREATE TYPE "TargetType" AS ENUM ('RESOURCE', 'PERMISSION_SET', 'GROUP');

-- CreateEnum
CREATE TYPE "RequestStatus" AS ENUM ('PENDING', 'APPROVED', 'DENIED', 'CANCELLED', 'TIMED_OUT');

-- CreateEnum
CREATE TYPE "Decision" AS ENUM ('APPROVE', 'DENY');

-- CreateEnum
CREATE TYPE "GrantKind" AS ENUM ('TEMP_PERMISSION_SET', 'PERMISSION_SET_ASSIGNMENT', 'GROUP_MEMBERSHIP', 'IAM_USER_POLICY', 'IAM_GROUP_MEMBERSHIP');

-- CreateEnum
CREATE TYPE "GrantState" AS ENUM ('APPROVED', 'PROVISIONING', 'ACTIVE', 'REVOKING', 'EXPIRED', 'REVOKED', 'FAILED');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "idpGroups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "userAgent" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Integration" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "IntegrationKind" NOT NULL DEFAULT 'IDENTITY_CENTER',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "authMethod" "RootAuthMethod" NOT NULL,
    "rootAccountId" TEXT,
    "accessKeyId" TEXT,
    "secretAccessKeyEnc" TEXT,
    "roleArn" TEXT,
    "externalId" TEXT,
    "region" TEXT NOT NULL DEFAULT 'us-east-1',
    "ssoRegion" TEXT,
    "instanceArn" TEXT,
    "identityStoreId" TEXT,
    "subAccounts" JSONB NOT NULL DEFAULT '[]',
    "options" JSONB NOT NULL DEFAULT '{}',
    "tempPermissionSetPrefix" TEXT NOT NULL DEFAULT 'jit-',
    "syncIntervalMinutes" INTEGER NOT NULL DEFAULT 60,
    "lastSyncAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Integration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrgUnit" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "awsId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parentId" TEXT,
    "path" TEXT NOT NULL,
    "idPath" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "OrgUnit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "state" TEXT NOT NULL DEFAULT 'ACTIVE',
    "isManagement" BOOLEAN NOT NULL DEFAULT false,
    "orgUnitId" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "lastSyncedAt" TIMESTAMP(3),
    "lastSyncError" TEXT,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Principal" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "type" "PrincipalType" NOT NULL,
    "awsId" TEXT NOT NULL,
    "userName" TEXT,
    "displayName" TEXT NOT NULL,
    "email" TEXT,
    "description" TEXT,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Principal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrincipalMembership" (
    "id" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "membershipId" TEXT,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PrincipalMembership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PermissionSet" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "arn" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "sessionDuration" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "portalManaged" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "PermissionSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PermissionSetAccount" (
    "permissionSetId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "PermissionSetAccount_pkey" PRIMARY KEY ("permissionSetId","accountId")
);

-- CreateTable
CREATE TABLE "Resource" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "type" "ResourceType" NOT NULL,
    "arn" TEXT NOT NULL,
    "region" TEXT,
    "name" TEXT NOT NULL,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "searchText" TEXT NOT NULL DEFAULT '',
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "Resource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Policy" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "integrationId" TEXT,
    "accountIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "orgUnitIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "targetTypes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "resourceIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "permissionSetIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "groupIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "tagConditions" JSONB NOT NULL DEFAULT '[]',
    "accessLevels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "requesterUserIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "requesterGroupIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "allowEveryone" BOOLEAN NOT NULL DEFAULT false,
    "maxDurationMinutes" INTEGER NOT NULL DEFAULT 60,
    "requireJustification" BOOLEAN NOT NULL DEFAULT true,
    "requireTicket" BOOLEAN NOT NULL DEFAULT false,
    "ticketPattern" TEXT,
    "autoApprove" BOOLEAN NOT NULL DEFAULT false,
    "approvalSteps" JSONB NOT NULL DEFAULT '[]',
    "pendingTimeoutMinutes" INTEGER NOT NULL DEFAULT 1440,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "requesterPrincipalId" TEXT,
    "targetType" "TargetType" NOT NULL,
    "resourceId" TEXT,
    "permissionSetId" TEXT,
    "accountId" TEXT,
    "groupId" TEXT,
    "targetSnapshot" JSONB NOT NULL DEFAULT '{}',
    "accessLevel" TEXT NOT NULL,
    "policyDocument" TEXT,
    "durationMinutes" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3),
    "justification" TEXT NOT NULL DEFAULT '',
    "ticket" TEXT,
    "status" "RequestStatus" NOT NULL DEFAULT 'PENDING',
    "policyId" TEXT,
    "policySnapshot" JSONB NOT NULL DEFAULT '{}',
    "currentStep" INTEGER NOT NULL DEFAULT 0,
    "extendsGrantId" TEXT,
    "pendingExpiresAt" TIMESTAMP(3),
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AccessRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Approval" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "approverId" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "decision" "Decision" NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" "GrantKind" NOT NULL,
    "state" "GrantState" NOT NULL DEFAULT 'APPROVED',
    "step" TEXT,
    "principalId" TEXT,
    "awsAccountId" TEXT,
    "permissionSetArn" TEXT,
    "permissionSetName" TEXT,
    "groupAwsId" TEXT,
    "membershipId" TEXT,
    "assignmentRequestId" TEXT,
    "deletionRequestId" TEXT,
    "preExisting" BOOLEAN NOT NULL DEFAULT false,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "activatedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "revokedById" TEXT,
    "revokeReason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "nextRunAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncRun" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'MANUAL',
    "status" "RunStatus" NOT NULL DEFAULT 'RUNNING',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "accountsTotal" INTEGER NOT NULL DEFAULT 0,
    "accountsDone" INTEGER NOT NULL DEFAULT 0,
    "resourcesFound" INTEGER NOT NULL DEFAULT 0,
    "counts" JSONB NOT NULL DEFAULT '{}',
    "errors" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReconcileRun" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'SCHEDULE',
    "status" "RunStatus" NOT NULL DEFAULT 'RUNNING',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "findings" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "ReconcileRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" BIGSERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectId" TEXT,
    "integrationId" TEXT,
    "awsAccountId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "link" TEXT,
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Integration_name_key" ON "Integration"("name");

-- CreateIndex
CREATE INDEX "OrgUnit_integrationId_idPath_idx" ON "OrgUnit"("integrationId", "idPath");

-- CreateIndex
CREATE UNIQUE INDEX "OrgUnit_integrationId_awsId_key" ON "OrgUnit"("integrationId", "awsId");

-- CreateIndex
CREATE INDEX "Account_orgUnitId_idx" ON "Account"("orgUnitId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_integrationId_accountId_key" ON "Account"("integrationId", "accountId");

-- CreateIndex
CREATE INDEX "Principal_email_idx" ON "Principal"("email");

-- CreateIndex
CREATE INDEX "Principal_integrationId_type_displayName_idx" ON "Principal"("integrationId", "type", "displayName");

-- CreateIndex
CREATE UNIQUE INDEX "Principal_integrationId_type_awsId_key" ON "Principal"("integrationId", "type", "awsId");

-- CreateIndex
CREATE INDEX "PrincipalMembership_memberId_idx" ON "PrincipalMembership"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "PrincipalMembership_groupId_memberId_key" ON "PrincipalMembership"("groupId", "memberId");

-- CreateIndex
CREATE INDEX "PermissionSet_integrationId_name_idx" ON "PermissionSet"("integrationId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "PermissionSet_integrationId_arn_key" ON "PermissionSet"("integrationId", "arn");

-- CreateIndex
CREATE INDEX "PermissionSetAccount_accountId_idx" ON "PermissionSetAccount"("accountId");

-- CreateIndex
CREATE INDEX "Resource_accountId_type_idx" ON "Resource"("accountId", "type");

-- CreateIndex
CREATE INDEX "Resource_type_name_idx" ON "Resource"("type", "name");

-- CreateIndex
CREATE INDEX "Resource_deletedAt_idx" ON "Resource"("deletedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Resource_integrationId_arn_key" ON "Resource"("integrationId", "arn");

-- CreateIndex
CREATE UNIQUE INDEX "Policy_name_key" ON "Policy"("name");

-- CreateIndex
CREATE INDEX "Policy_integrationId_enabled_idx" ON "Policy"("integrationId", "enabled");

-- CreateIndex
CREATE INDEX "AccessRequest_requesterId_createdAt_idx" ON "AccessRequest"("requesterId", "createdAt");

-- CreateIndex
CREATE INDEX "AccessRequest_status_pendingExpiresAt_idx" ON "AccessRequest"("status", "pendingExpiresAt");

-- CreateIndex
CREATE INDEX "AccessRequest_integrationId_status_idx" ON "AccessRequest"("integrationId", "status");

-- CreateIndex
CREATE INDEX "Approval_approverId_idx" ON "Approval"("approverId");

-- CreateIndex
CREATE UNIQUE INDEX "Approval_requestId_step_approverId_key" ON "Approval"("requestId", "step", "approverId");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_requestId_key" ON "Grant"("requestId");

-- CreateIndex
CREATE INDEX "Grant_state_nextRunAt_idx" ON "Grant"("state", "nextRunAt");

-- CreateIndex
CREATE INDEX "Grant_userId_state_idx" ON "Grant"("userId", "state");

-- CreateIndex
CREATE INDEX "Grant_awsAccountId_permissionSetArn_principalId_idx" ON "Grant"("awsAccountId", "permissionSetArn", "principalId");

-- CreateIndex
CREATE INDEX "SyncRun_integrationId_startedAt_idx" ON "SyncRun"("integrationId", "startedAt");

-- CreateIndex
CREATE INDEX "ReconcileRun_integrationId_startedAt_idx" ON "ReconcileRun"("integrationId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_id_key" ON "AuditEvent"("id");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_action_createdAt_idx" ON "AuditEvent"("action", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actorEmail_createdAt_idx" ON "AuditEvent"("actorEmail", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_awsAccountId_createdAt_idx" ON "AuditEvent"("awsAccountId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- CreateIndex
CREATE INDEX "Notification_userId_readAt_createdAt_idx" ON "Notification"("userId", "readAt", "createdAt");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrgUnit" ADD CONSTRAINT "OrgUnit_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrgUnit" ADD CONSTRAINT "OrgUnit_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_orgUnitId_fkey" FOREIGN KEY ("orgUnitId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Principal" ADD CONSTRAINT "Principal_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrincipalMembership" ADD CONSTRAINT "PrincipalMembership_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Principal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrincipalMembership" ADD CONSTRAINT "PrincipalMembership_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Principal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermissionSet" ADD CONSTRAINT "PermissionSet_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermissionSetAccount" ADD CONSTRAINT "PermissionSetAccount_permissionSetId_fkey" FOREIGN KEY ("permissionSetId") REFERENCES "PermissionSet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PermissionSetAccount" ADD CONSTRAINT "PermissionSetAccount_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Resource" ADD CONSTRAINT "Resource_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Policy" ADD CONSTRAINT "Policy_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "Resource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_permissionSetId_fkey" FOREIGN KEY ("permissionSetId") REFERENCES "PermissionSet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Principal"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "Policy"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessRequest" ADD CONSTRAINT "AccessRequest_extendsGrantId_fkey" FOREIGN KEY ("extendsGrantId") REFERENCES "Grant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Approval" ADD CONSTRAINT "Approval_approverId_fkey" FOREIGN KEY ("approverId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "AccessRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReconcileRun" ADD CONSTRAINT "ReconcileRun_integrationId_fkey" FOREIGN KEY ("integrationId") REFERENCES "Integration"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
