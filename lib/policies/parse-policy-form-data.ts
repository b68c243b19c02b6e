/**
 * Turns the policy form's FormData (strings only) into the plain object ZPolicyInput parses. Pure, so the
 * client can preview the same conversion. Lists arrive as repeated fields; approval steps and tag
 * conditions as JSON (the form builds them), anything malformed is passed through for zod to reject
 * with a message rather than silently dropped.
 */
export function parsePolicyFormData(form: FormData): Record<string, unknown> {
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === "string" ? value : undefined;
  };
  const list = (key: string) =>
    form
      .getAll(key)
      .flatMap((value) => (typeof value === "string" ? value.split(/[\s,]+/) : []))
      .map((value) => value.trim())
      .filter(Boolean);
  const flag = (key: string) => {
    const value = text(key);
    return value === "on" || value === "true" || value === "1";
  };
  const number = (key: string) => {
    const value = text(key)?.trim();
    if (value === undefined || value === "") return undefined;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : value;
  };
  const json = (key: string, fallback: unknown) => {
    const value = text(key);
    if (value === undefined || value.trim() === "") return fallback;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  };
  const integrationId = text("integrationId")?.trim();
  return {
    name: text("name") ?? "",
    description: text("description") ?? null,
    enabled: flag("enabled"),
    integrationId: integrationId ? integrationId : null,
    accountIds: list("accountIds"),
    orgUnitIds: list("orgUnitIds"),
    targetTypes: list("targetTypes"),
    resourceIds: list("resourceIds"),
    permissionSetIds: list("permissionSetIds"),
    groupIds: list("groupIds"),
    tagConditions: json("tagConditions", []),
    accessLevels: list("accessLevels"),
    requesterUserIds: list("requesterUserIds"),
    requesterGroupIds: list("requesterGroupIds"),
    allowEveryone: flag("allowEveryone"),
    maxDurationMinutes: number("maxDurationMinutes"),
    requireJustification: flag("requireJustification"),
    requireTicket: flag("requireTicket"),
    ticketPattern: text("ticketPattern") ?? null,
    autoApprove: flag("autoApprove"),
    approvalSteps: json("approvalSteps", []),
    pendingTimeoutMinutes: number("pendingTimeoutMinutes"),
  };
}
