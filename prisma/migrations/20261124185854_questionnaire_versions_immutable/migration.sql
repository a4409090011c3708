-- Published questionnaire versions are immutable, and a response never moves to another
-- version: enforced by the database, not only by the absence of code that would do it.
-- (Hand-written: Prisma's schema has no triggers. Not compared by the drift test, which reads
-- tables, columns, indexes and constraints.)
CREATE FUNCTION "waihu_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are immutable (%)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "QuestionnaireVersion_immutable"
  BEFORE UPDATE OR DELETE ON "QuestionnaireVersion"
  FOR EACH ROW EXECUTE FUNCTION "waihu_refuse_change"();

CREATE TRIGGER "QuestionnaireResponse_version_fixed"
  BEFORE UPDATE OF "versionId" ON "QuestionnaireResponse"
  FOR EACH ROW WHEN (OLD."versionId" IS DISTINCT FROM NEW."versionId")
  EXECUTE FUNCTION "waihu_refuse_change"();
