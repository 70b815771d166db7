package dev.sliceflow.infra;

import static dev.sliceflow.infra.Templates.actions;
import static dev.sliceflow.infra.Templates.allowStatements;
import static dev.sliceflow.infra.Templates.list;
import static dev.sliceflow.infra.Templates.map;
import static dev.sliceflow.infra.Templates.one;
import static dev.sliceflow.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The lake a plain `cdk deploy` creates: the Glue database, the Athena workgroup, the lake loader and its IAM. */
class LakeStackTest {
    private static Template template;
    private static Template named;

    @BeforeAll
    static void synth() {
        template = TestStacks.template(DefaultStackTest.CONTEXT);
        named = TestStacks.template(Map.of("lakeDatabase", "acme_inventory", "prefix", "acme-elt"));
    }

    private static String bucketId(Template t) {
        return Templates.logicalId(t, "AWS::S3::Bucket", "Staging");
    }

    @Test
    void glueDatabase_whenDefaults_isSliceflowInTheAccountsCatalogLocatedUnderLake() {
        Map<String, Object> database = one(template, "AWS::Glue::Database", "Lake");
        assertThat(database).containsEntry("CatalogId", Map.of("Ref", "AWS::AccountId"));
        Map<String, Object> input = map(database.get("DatabaseInput"));
        assertThat(input).containsEntry("Name", "sliceflow").containsEntry("LocationUri", Map.of("Fn::Join",
                List.of("", List.of("s3://", Map.of("Ref", bucketId(template)), "/lake/sliceflow.db"))));
        assertThat(map(one(named, "AWS::Glue::Database", "Lake").get("DatabaseInput")))
                .containsEntry("Name", "acme_inventory");
    }

    @Test
    void athenaWorkGroup_whenDefaults_enforcesEncryptedResultsUnderAthenaResultsOnEngine3() {
        template.hasResourceProperties("AWS::Athena::WorkGroup", Map.of(
                "Name", "sliceflow",
                "State", "ENABLED",
                "RecursiveDeleteOption", true,
                "WorkGroupConfiguration", Map.of(
                        "EnforceWorkGroupConfiguration", true,
                        "PublishCloudWatchMetricsEnabled", true,
                        "EngineVersion", Map.of("SelectedEngineVersion", "Athena engine version 3"),
                        "ResultConfiguration", Map.of(
                                "EncryptionConfiguration", Map.of("EncryptionOption", "SSE_S3"),
                                "OutputLocation", Map.of("Fn::Join", List.of("", List.of("s3://",
                                        Map.of("Ref", bucketId(template)), "/athena-results/")))))));
        named.hasResourceProperties("AWS::Athena::WorkGroup", Match.objectLike(Map.of("Name", "acme-elt")));
    }

    @Test
    void loader_whenTheLake_runsTheLakeJarNotTheWorkersAndGetsTheLakeUrl() {
        Map<String, Object> worker = function(template, "sliceflow-worker");
        Map<String, Object> loader = function(template, "sliceflow-loader");
        assertThat(map(loader.get("Code")).get("S3Key")).isNotEqualTo(map(worker.get("Code")).get("S3Key"));
        Template postgres = TestStacks.template(Map.of("warehouseUrl", TestStacks.WAREHOUSE_URL));
        assertThat(map(function(postgres, "sliceflow-loader").get("Code")).get("S3Key"))
                .isEqualTo(map(function(postgres, "sliceflow-worker").get("Code")).get("S3Key"))
                .isEqualTo(map(worker.get("Code")).get("S3Key"));
        assertThat(map(map(function(named, "acme-elt-loader").get("Environment")).get("Variables"))
                .get("SLICEFLOW_WAREHOUSE_URL").toString()).endsWith("/lake/&namespace=acme_inventory]]}");
    }

    @Test
    void loaderGluePolicy_whenTheLake_coversOnlyTheLakeDatabaseAndItsTables() {
        List<Map<String, Object>> glue = allowStatements(template).stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("glue:")))
                .filter(s -> !s.get("_policy").toString().startsWith("ReconcileRole")).toList();
        assertThat(glue).hasSize(1);
        Map<String, Object> statement = glue.get(0);
        assertThat(statement.get("_policy").toString()).startsWith("LoadLoaderRole");
        assertThat(actions(statement)).containsExactlyInAnyOrder("glue:GetDatabase", "glue:GetTable",
                "glue:GetTables", "glue:CreateTable", "glue:UpdateTable");
        assertThat(list(statement.get("Resource")).stream().map(LakeStackTest::arnTail).toList())
                .containsExactlyInAnyOrder(":catalog", ":database/sliceflow", ":table/sliceflow/*");
        assertThat(list(statement.get("Resource")).toString()).contains("arn:", "AWS::Partition", ":glue:",
                "AWS::Region", "AWS::AccountId");
    }

    @Test
    void otherRoles_whenTheLake_haveNoLakeAccess() {
        assertThat(allowStatements(template)).filteredOn(s -> !s.get("_policy").toString().startsWith("LoadLoaderRole")
                        && !s.get("_policy").toString().startsWith("ReconcileRole"))
                .noneMatch(s -> actions(s).stream().anyMatch(a -> a.startsWith("glue:")))
                .noneMatch(s -> list(s.get("Resource")).toString().contains("/lake/"));
    }

    @Test
    void reconciler_whenTheLake_runsTheLakeJarAndOnlyReadsTheLake() {
        Map<String, Object> reconciler = function(template, "sliceflow-reconciler");
        assertThat(map(reconciler.get("Code")).get("S3Key"))
                .isEqualTo(map(function(template, "sliceflow-loader").get("Code")).get("S3Key"));
        assertThat(map(map(reconciler.get("Environment")).get("Variables")).get("SLICEFLOW_WAREHOUSE_URL").toString())
                .contains("iceberg:glue?warehouse=s3://", "/lake/&namespace=sliceflow");
        List<Map<String, Object>> ours = allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith("ReconcileRole")).toList();
        assertThat(ours).flatExtracting(Templates::actions).filteredOn(a -> a.startsWith("glue:"))
                .containsOnly("glue:GetDatabase", "glue:GetTable", "glue:GetTables");
        assertThat(ours).flatExtracting(Templates::actions).noneMatch(a -> a.startsWith("s3:Put")
                || a.startsWith("s3:Delete") || a.startsWith("s3:Abort") || a.equals("glue:CreateTable")
                || a.equals("glue:UpdateTable"));
    }

    @Test
    void outputs_whenTheLake_nameTheDatabaseTheWorkGroupAndAQuery() {
        Map<String, Map<String, Object>> outputs = template.findOutputs("*");
        assertThat(outputs.get("LakeDatabaseName")).containsEntry("Value", "sliceflow");
        assertThat(outputs.get("AthenaWorkGroupName").get("Value"))
                .isEqualTo(Map.of("Ref", Templates.logicalId(template, "AWS::Athena::WorkGroup", "Lake")));
        assertThat(outputs.get("AthenaExampleQuery"))
                .containsEntry("Value", "SELECT * FROM \"sliceflow\".\"_sliceflow_loads\" LIMIT 10");
        assertThat(named.findOutputs("*").get("AthenaExampleQuery").get("Value").toString())
                .contains("\"acme_inventory\".\"_sliceflow_loads\"");
    }

    @Test
    void cdkNag_whenTheLakeIsNamed_leavesNoUnacknowledgedFinding() {
        assertThat(Templates.unacknowledgedFindings(TestStacks.stack(Map.of("lakeDatabase", "acme_inventory"))))
                .isEmpty();
    }

    /** The resource's Fn::Join, from its account part on: ":catalog", ":database/sliceflow", ... */
    private static String arnTail(Object resource) {
        List<Object> parts = list(list(map(resource).get("Fn::Join")).get(1));
        return parts.get(parts.size() - 1).toString();
    }

    private static Map<String, Object> function(Template t, String name) {
        return t.findResources("AWS::Lambda::Function").values().stream().map(Templates::properties)
                .filter(p -> name.equals(p.get("FunctionName"))).findFirst()
                .orElseThrow(() -> new AssertionError("no function named " + name));
    }
}
