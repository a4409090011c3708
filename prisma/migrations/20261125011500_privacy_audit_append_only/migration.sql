-- The audit log is append-only: the database refuses UPDATE, DELETE and TRUNCATE on it, so no code
-- path of the application (nor an injected statement running as the application's role) can edit
-- or erase what was recorded. There is no retention: rows are kept for ever (ADR 091); an operator
-- who must purge old rows does it as the table owner after disabling the triggers, outside the app.
-- (Hand-written: Prisma's schema has no triggers. `waihu_refuse_change` comes from
-- 20261124185854_questionnaire_versions_immutable.)
CREATE TRIGGER "AuditLog_append_only"
  BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "waihu_refuse_change"();

CREATE TRIGGER "AuditLog_no_truncate"
  BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION "waihu_refuse_change"();
