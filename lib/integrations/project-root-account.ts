/** root_account as the integration form holds it: both halves, whichever auth mode is chosen. */
export type TRootAccountDraft = { access_key_id?: string; secret_access_key?: string; account_id?: string; access_role_arn?: string; external_id?: string; region?: string };

/**
 * The half of root_account the form's auth switch selects, as it is sent and shown in the JSON tab.
 * Role mode leaves out account_id (the server takes it from the ARN, so a changed ARN never clashes
 * with a stale id) and keeps an empty role ARN (its own error beats "access_key_id is required").
 * Other empty fields are left out. Pure.
 */
export function projectRootAccount(root: TRootAccountDraft, mode: "key" | "role"): TRootAccountDraft {
  const picked: TRootAccountDraft =
    mode === "role"
      ? { access_role_arn: root.access_role_arn ?? "", external_id: root.external_id, region: root.region }
      : { access_key_id: root.access_key_id ?? "", secret_access_key: root.secret_access_key, region: root.region };
  return Object.fromEntries(Object.entries(picked).filter(([k, v]) => v !== undefined && (v !== "" || (mode === "role" && k === "access_role_arn")))) as TRootAccountDraft;
}
