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
            IamAccountTables.ACCESS_KEYS,
            IamAccountTables.MFA_DEVICES,
            IamAccountTables.PASSWORD_POLICY,
            IamAccountTables.ACCOUNT_SUMMARY,
            IamAccountTables.CREDENTIAL_REPORT,
            Route53Tables.HOSTED_ZONES,
            CloudFrontTables.DISTRIBUTIONS,
            SqsTables.QUEUES,
            SnsTables.TOPICS,
            SnsTables.SUBSCRIPTIONS,
            Ec2Tables.INSTANCES,
            Ec2Tables.VPCS,
            Ec2Tables.SUBNETS,
            Ec2Tables.SECURITY_GROUPS,
            Ec2Tables.VOLUMES,
            Ec2Tables.SNAPSHOTS,
            Ec2Tables.IMAGES,
            VpcTables.ADDRESSES,
            VpcTables.NETWORK_INTERFACES,
            VpcTables.ROUTE_TABLES,
            VpcTables.INTERNET_GATEWAYS,
            VpcTables.NAT_GATEWAYS,
            VpcTables.NETWORK_ACLS,
            VpcTables.FLOW_LOGS,
            VpcTables.SECURITY_GROUP_RULES,
            LambdaTables.FUNCTIONS,
            DynamoDbTables.TABLES,
            KmsTables.KEYS,
            KmsTables.ALIASES,
            RdsTables.INSTANCES,
            RdsTables.CLUSTERS,
            CloudTrailTables.TRAILS,
            EcsTables.CLUSTERS,
            LogsTables.LOG_GROUPS,
            CloudWatchTables.ALARMS,
            ElbTables.LOAD_BALANCERS,
            ElbTables.LISTENERS,
            ElbTables.TARGET_GROUPS,
            EcrTables.REPOSITORIES,
            EksTables.CLUSTERS,
            SecretsManagerTables.SECRETS,
            SsmTables.PARAMETERS,
            AcmTables.CERTIFICATES,
            ConfigTables.RECORDERS,
            GuardDutyTables.DETECTORS,
            SecurityHubTables.HUB,
            EfsTables.FILE_SYSTEMS,
            BackupTables.VAULTS);

}
