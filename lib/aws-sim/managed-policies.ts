/** A small catalogue of AWS-managed policies: attachable to permission sets and listed by IAM Scope=AWS. */
export const AWS_MANAGED_POLICIES: { name: string; path: string; arn: string; id: string }[] = [
  ["AdministratorAccess", "/"],
  ["ReadOnlyAccess", "/"],
  ["PowerUserAccess", "/"],
  ["SecurityAudit", "/"],
  ["ViewOnlyAccess", "/job-function/"],
  ["Billing", "/job-function/"],
  ["DatabaseAdministrator", "/job-function/"],
  ["DataScientist", "/job-function/"],
  ["AmazonS3ReadOnlyAccess", "/"],
  ["AmazonS3FullAccess", "/"],
  ["AmazonEC2ReadOnlyAccess", "/"],
  ["AmazonEC2FullAccess", "/"],
  ["SecretsManagerReadWrite", "/"],
  ["AWSCloudTrail_ReadOnlyAccess", "/"],
  ["AmazonAthenaFullAccess", "/"],
  ["AWSGlueConsoleFullAccess", "/"],
].map(([name, path], i) => ({
  name: name!,
  path: path!,
  arn: `arn:aws:iam::aws:policy${path}${name}`,
  id: `ANPAJ${String(1000000000000 + i * 7919).padStart(16, "0")}`,
}));

export const AWS_MANAGED_BY_ARN = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));
