/**
 * AccessRequest.requesterPrincipalId is, by contract, the requester's Principal.id; rows written with the
 * Identity Center UserId (Principal.awsId) instead must not let a requester approve their own request.
 * Given the approver's resolved identity, returns the Principal.id to compare: when the stored value is the
 * approver's own awsId, the request is theirs, so their Principal.id is returned. Pure.
 */
export function normalizeRequesterPrincipalId(
  stored: string | null,
  approver: { principal: { id: string; awsId: string } | null },
): string | null {
  if (stored !== null && approver.principal && stored === approver.principal.awsId) return approver.principal.id;
  return stored;
}
