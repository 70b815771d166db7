package dev.sliceflow.source.aws;

import java.net.URI;

/**
 * The services the aws source calls through {@link AwsApi}, with what it takes to reach them: signing name,
 * protocol, API version or JSON target prefix. S3, SQS and STS go through the SDK clients already in the jar.
 * Global services (IAM, Organizations) have one endpoint per partition.
 *
 * @param id         signing name and endpoint prefix (ec2 -> https://ec2.us-east-1.amazonaws.com)
 * @param protocol   wire protocol
 * @param version    API version (query protocol) or X-Amz-Target prefix (JSON protocol)
 * @param global     one endpoint per partition (IAM) instead of one per region
 */
record AwsService(String id, Protocol protocol, String version, boolean global) {
    enum Protocol { QUERY, JSON_1_0, JSON_1_1, REST_JSON }

    static final AwsService IAM = new AwsService("iam", Protocol.QUERY, "2010-05-08", true);
    static final AwsService EC2 = new AwsService("ec2", Protocol.QUERY, "2016-11-15", false);
    static final AwsService SNS = new AwsService("sns", Protocol.QUERY, "2010-03-31", false);
    static final AwsService RDS = new AwsService("rds", Protocol.QUERY, "2014-10-31", false);
    static final AwsService DYNAMODB = new AwsService("dynamodb", Protocol.JSON_1_0, "DynamoDB_20120810", false);
    static final AwsService KMS = new AwsService("kms", Protocol.JSON_1_1, "TrentService", false);
    static final AwsService CLOUDTRAIL = new AwsService("cloudtrail", Protocol.JSON_1_1,
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101", false);
    static final AwsService ECS = new AwsService("ecs", Protocol.JSON_1_1, "AmazonEC2ContainerServiceV20141113", false);
    static final AwsService ORGANIZATIONS = new AwsService("organizations", Protocol.JSON_1_1,
            "AWSOrganizationsV20161128", true);
    static final AwsService LAMBDA = new AwsService("lambda", Protocol.REST_JSON, "2015-03-31", false);

    /** The region requests to this service are signed for, from the slice's region. */
    String signingRegion(String region) {
        if (!global) {
            return region;
        }
        return switch (Partition.of(region)) {
            case AWS -> "us-east-1";
            case CHINA -> id.equals("organizations") ? "cn-northwest-1" : "cn-north-1";
            case GOV_CLOUD -> "us-gov-west-1";
        };
    }

    /** The public endpoint for the slice's region. */
    URI endpoint(String region) {
        if (global && id.equals("organizations")) {
            return URI.create(switch (Partition.of(region)) {
                case AWS -> "https://organizations.us-east-1.amazonaws.com";
                case CHINA -> "https://organizations.cn-northwest-1.amazonaws.com.cn";
                case GOV_CLOUD -> "https://organizations.us-gov-west-1.amazonaws.com";
            });
        }
        if (global) {
            return URI.create(switch (Partition.of(region)) {
                case AWS -> "https://iam.amazonaws.com";
                case CHINA -> "https://iam.cn-north-1.amazonaws.com.cn";
                case GOV_CLOUD -> "https://iam.us-gov.amazonaws.com";
            });
        }
        return URI.create("https://" + id + "." + region + ".amazonaws.com"
                + (Partition.of(region) == Partition.CHINA ? ".cn" : ""));
    }

    /** The AWS partitions: they differ in endpoints and in the region that holds global services. */
    enum Partition {
        AWS, CHINA, GOV_CLOUD;

        static Partition of(String region) {
            if (region.startsWith("cn-")) {
                return CHINA;
            }
            if (region.startsWith("us-gov-")) {
                return GOV_CLOUD;
            }
            return AWS;
        }

        /** The partition's name in ARNs. */
        String arn() {
            return switch (this) {
                case AWS -> "aws";
                case CHINA -> "aws-cn";
                case GOV_CLOUD -> "aws-us-gov";
            };
        }

        /** Where global services (IAM, the S3 bucket list) are synced unless option globalRegion says otherwise. */
        String defaultGlobalRegion() {
            return switch (this) {
                case AWS -> "us-east-1";
                case CHINA -> "cn-north-1";
                case GOV_CLOUD -> "us-gov-west-1";
            };
        }
    }
}
