-- The audit log is append-only in the database itself, not only by convention: UPDATE, DELETE and
-- TRUNCATE on "AuditEvent" are refused. Whoever owns the table can still disable the trigger; the hash
-- chain (verified from the admin's audit page) is what detects that. A unique "prevHash" turns a fork of
-- the chain (two events claiming the same predecessor) into a failed insert instead of a silent one.

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_prevHash_key" ON "AuditEvent"("prevHash");

-- Append-only guard
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "AuditEvent" refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditEvent_no_update_delete" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
