package dev.sliceflow.infra;

import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.athena.CfnWorkGroup;
import software.amazon.awscdk.services.glue.CfnDatabase;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The default destination: Apache Iceberg tables under {@value StagingBucket#LAKE_PREFIX} in the staging bucket (no
 * lifecycle rule reaches that prefix: the lake is the system of record, and Iceberg's own snapshot expiry decides
 * what is deleted), catalogued in one Glue database, queried through an Athena workgroup whose results are encrypted
 * and whose configuration queries cannot override. The loader reaches it with the lake URL
 * {@code iceberg:glue?warehouse=s3://<bucket>/lake/&namespace=<database>} and the permissions of {@link #grantLoad}.
 */
public final class Lake extends Construct {
    /** Glue actions the Iceberg Glue catalog uses to find, create and commit tables (UpdateTable is the commit). */
    static final List<String> GLUE_ACTIONS = List.of("glue:GetDatabase", "glue:GetTable", "glue:GetTables",
            "glue:CreateTable", "glue:UpdateTable");
    static final List<String> GLUE_READ_ACTIONS = List.of("glue:GetDatabase", "glue:GetTable", "glue:GetTables");
    /** The Athena engine that reads (and writes) Iceberg tables. */
    static final String ATHENA_ENGINE = "Athena engine version 3";

    private final IBucket bucket;
    private final String database;
    private final CfnDatabase glueDatabase;
    private final CfnWorkGroup workGroup;

    public Lake(Construct scope, String id, String prefix, StackSettings.Lake settings, IBucket bucket) {
        super(scope, id);
        this.bucket = bucket;
        this.database = settings.database();
        Stack stack = Stack.of(this);
        glueDatabase = CfnDatabase.Builder.create(this, "Database")
                .catalogId(stack.getAccount())
                .databaseInput(CfnDatabase.DatabaseInputProperty.builder()
                        .name(database)
                        .description("sliceflow's lake: Apache Iceberg tables written by " + prefix + "-loader")
                        // where Iceberg's Glue catalog puts a table of this database: <location>/<table>
                        .locationUri(tablesLocation())
                        .build())
                .build();
        workGroup = CfnWorkGroup.Builder.create(this, "WorkGroup")
                .name(prefix)
                .description("Queries over sliceflow's lake (Glue database " + database + ")")
                .state("ENABLED")
                // a workgroup that has run queries cannot be deleted otherwise: destroy would fail
                .recursiveDeleteOption(true)
                .workGroupConfiguration(CfnWorkGroup.WorkGroupConfigurationProperty.builder()
                        .enforceWorkGroupConfiguration(true)
                        .publishCloudWatchMetricsEnabled(true)
                        .engineVersion(CfnWorkGroup.EngineVersionProperty.builder()
                                .selectedEngineVersion(ATHENA_ENGINE).build())
                        .resultConfiguration(CfnWorkGroup.ResultConfigurationProperty.builder()
                                .outputLocation("s3://" + bucket.getBucketName() + "/"
                                        + StagingBucket.ATHENA_RESULTS_PREFIX)
                                .encryptionConfiguration(CfnWorkGroup.EncryptionConfigurationProperty.builder()
                                        .encryptionOption("SSE_S3").build())
                                .build())
                        .build())
                .build();
    }

    /** The warehouse URL the loader gets (SLICEFLOW_WAREHOUSE_URL). */
    public String warehouseUrl() {
        return "iceberg:glue?warehouse=" + warehouseLocation() + "&namespace=" + database;
    }

    /** s3://bucket/lake/ */
    public String warehouseLocation() {
        return "s3://" + bucket.getBucketName() + "/" + StagingBucket.LAKE_PREFIX;
    }

    private String tablesLocation() {
        return warehouseLocation() + database + ".db";
    }

    /**
     * What the loader needs: read and write (data files, manifests, metadata; deletes for the files a failed commit
     * leaves behind) under lake/ only, and the Glue catalog actions on this database and its tables only.
     */
    public void grantLoad(Role role) {
        bucket.grantReadWrite(role, StagingBucket.LAKE_PREFIX + "*");
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(GLUE_ACTIONS)
                .resources(List.of(glueArn("catalog", null), glueArn("database", database),
                        glueArn("table", database + "/*")))
                .build());
        for (String action : List.of("s3:Abort*", "s3:DeleteObject*")) {
            NagFindings.acknowledge(role, NagFindings.wildcardAction(action),
                    action + " is one of CDK's grantReadWrite action groups, granted on the lake/ prefix only: Iceberg"
                            + " aborts a failed multipart upload and deletes the files of a commit that lost its race.");
        }
        NagFindings.acknowledge(role, NagFindings.wildcardResource(NagFindings.arnOf(bucket) + "/"
                        + StagingBucket.LAKE_PREFIX + "*"),
                "The loader writes and reads the lake's data, manifest and metadata files, keys made at run time,"
                        + " all under lake/: the prefix is the narrowest scope there is.");
        NagFindings.acknowledge(role, NagFindings.wildcardResource("arn:<AWS::Partition>:glue:<AWS::Region>:"
                        + "<AWS::AccountId>:table/" + database + "/*"),
                "The loader creates and commits the tables its manifests name (known at run time), in the lake's"
                        + " Glue database " + database + " only.");
    }

    /**
     * What the reconciler needs: it reads the lake's bookkeeping tables (ledger, rejects, load errors) and writes
     * nothing: the Glue read actions on this database and its tables, and read under lake/ only.
     */
    public void grantRead(Role role) {
        bucket.grantRead(role, StagingBucket.LAKE_PREFIX + "*");
        for (String action : List.of("s3:GetObject*", "s3:GetBucket*", "s3:List*")) {
            NagFindings.acknowledge(role, NagFindings.wildcardAction(action),
                    action + " is one of CDK's grantRead action groups, granted on the lake/ prefix (and the bucket"
                            + " for listing) only: the reconciler reads the lake's bookkeeping tables.");
        }
        role.addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(GLUE_READ_ACTIONS)
                .resources(List.of(glueArn("catalog", null), glueArn("database", database),
                        glueArn("table", database + "/*")))
                .build());
        NagFindings.acknowledge(role, NagFindings.wildcardResource(NagFindings.arnOf(bucket) + "/"
                        + StagingBucket.LAKE_PREFIX + "*"),
                "The reconciler reads the lake's bookkeeping tables' metadata and data files, keys made at run time,"
                        + " all under lake/: the prefix is the narrowest scope there is.");
        NagFindings.acknowledge(role, NagFindings.wildcardResource("arn:<AWS::Partition>:glue:<AWS::Region>:"
                        + "<AWS::AccountId>:table/" + database + "/*"),
                "The reconciler reads the bookkeeping tables of the lake's Glue database " + database + " only.");
    }

    private String glueArn(String resource, String name) {
        ArnComponents.Builder arn = ArnComponents.builder().service("glue").resource(resource);
        if (name != null) {
            arn.resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME);
        } else {
            arn.arnFormat(ArnFormat.NO_RESOURCE_NAME);
        }
        return Stack.of(this).formatArn(arn.build());
    }

    /** The example Athena query the stack outputs. */
    public String exampleQuery() {
        // the ledger, an Iceberg table (the sync status is a view: docs/lake.md has the query to create it)
        return "SELECT * FROM \"" + database + "\".\"_sliceflow_loads\" LIMIT 10";
    }

    public String database() {
        return database;
    }

    public CfnDatabase glueDatabase() {
        return glueDatabase;
    }

    public CfnWorkGroup workGroup() {
        return workGroup;
    }
}
