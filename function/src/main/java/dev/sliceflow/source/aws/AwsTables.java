package dev.sliceflow.source.aws;

import java.util.List;

/** Every table of the aws source, in the order a slice syncs them (global tables first). */
final class AwsTables {
    private AwsTables() {
    }

    static final List<AwsTable> ALL = List.of(
            S3Tables.BUCKETS,
            IamTables.USERS,
            IamTables.ROLES,
            IamTables.POLICIES,
            SqsTables.QUEUES,
            ServiceTables.SNS_TOPICS,
            Ec2Tables.INSTANCES,
            Ec2Tables.VPCS,
            Ec2Tables.SUBNETS,
            Ec2Tables.SECURITY_GROUPS,
            ServiceTables.LAMBDA_FUNCTIONS,
            ServiceTables.DYNAMODB_TABLES,
            ServiceTables.KMS_KEYS,
            ServiceTables.RDS_INSTANCES,
            ServiceTables.CLOUDTRAIL_TRAILS,
            ServiceTables.ECS_CLUSTERS);

}
