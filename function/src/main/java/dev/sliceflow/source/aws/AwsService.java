package dev.sliceflow.source.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.regions.EndpointTag;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceEndpointKey;
import software.amazon.awssdk.regions.ServiceMetadata;

/**
 * The services the aws source calls through {@link AwsApi}, with what it takes to reach them: signing name,
 * protocol, API version or JSON target prefix. S3, SQS and STS go through the SDK clients already in the jar.
 * Global services (IAM, Organizations) have one endpoint per partition. Endpoints and signing regions come from the
 * SDK's endpoint metadata (in the jar with the regions module), so every partition it knows is supported.
 *
 * @param id         signing name and endpoint prefix (ec2 -> https://ec2.us-east-1.amazonaws.com)
 * @param protocol   wire protocol
 * @param version    API version (query protocol) or X-Amz-Target prefix (JSON protocol)
 * @param global     one endpoint per partition (IAM) instead of one per region
 */
record AwsService(String id, Protocol protocol, String version, boolean global) {
    enum Protocol { QUERY, JSON_1_0, JSON_1_1, REST_JSON, REST_XML }

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
    static final AwsService LOGS = new AwsService("logs", Protocol.JSON_1_1, "Logs_20140328", false);
    static final AwsService CLOUDWATCH = new AwsService("monitoring", Protocol.QUERY, "2010-08-01", false);
    static final AwsService ELBV2 = new AwsService("elasticloadbalancing", Protocol.QUERY, "2015-12-01", false);
    static final AwsService ECR = new AwsService("ecr", Protocol.JSON_1_1, "AmazonEC2ContainerRegistry_V20150921",
            false);
    static final AwsService SECRETS_MANAGER = new AwsService("secretsmanager", Protocol.JSON_1_1, "secretsmanager",
            false);
    static final AwsService SSM = new AwsService("ssm", Protocol.JSON_1_1, "AmazonSSM", false);
    static final AwsService ACM = new AwsService("acm", Protocol.JSON_1_1, "CertificateManager", false);
    static final AwsService CONFIG = new AwsService("config", Protocol.JSON_1_1, "StarlingDoveService", false);
    static final AwsService GUARDDUTY = new AwsService("guardduty", Protocol.REST_JSON, "", false);
    static final AwsService EKS = new AwsService("eks", Protocol.REST_JSON, "", false);
    static final AwsService EFS = new AwsService("elasticfilesystem", Protocol.REST_JSON, "2015-02-01", false);
    static final AwsService SECURITY_HUB = new AwsService("securityhub", Protocol.REST_JSON, "", false);
    static final AwsService ROUTE53 = new AwsService("route53", Protocol.REST_XML, "2013-04-01", true);
    static final AwsService CLOUDFRONT = new AwsService("cloudfront", Protocol.REST_XML, "2020-05-31", true);
    static final AwsService BACKUP = new AwsService("backup", Protocol.REST_JSON, "", false);

    /**
     * The region requests to this service are signed for, from the slice's region: for a global service, the
     * partition's signing region (IAM: us-east-1, cn-north-1, us-gov-west-1, us-iso-east-1, ...).
     */
    String signingRegion(String region) {
        Region global = globalRegion(region);
        return global == null ? region : ServiceMetadata.of(id).signingRegion(global).id();
    }

    /** The public endpoint for the slice's region. */
    URI endpoint(String region) {
        return endpoint(region, false, false);
    }

    /**
     * The public endpoint for the slice's region, from the SDK's endpoint metadata (every partition it knows,
     * the ISO ones included), in its FIPS and/or dual-stack variant when asked.
     */
    URI endpoint(String region, boolean fips, boolean dualStack) {
        Region global = globalRegion(region);
        Region target = global == null ? Region.of(region) : global;
        ServiceMetadata metadata = ServiceMetadata.of(id);
        if (global != null && fips && !dualStack && metadata.regions().contains(Region.of(target.id() + "-fips"))) {
            target = Region.of(target.id() + "-fips"); // aws-global-fips: iam-fips.amazonaws.com
            fips = false;
        }
        List<EndpointTag> tags = new ArrayList<>();
        if (fips) {
            tags.add(EndpointTag.FIPS);
        }
        if (dualStack) {
            tags.add(EndpointTag.DUALSTACK);
        }
        URI host = metadata.endpointFor(ServiceEndpointKey.builder().region(target).tags(tags).build());
        return URI.create("https://" + host);
    }

    /** For a global service, the partition's pseudo-region in the SDK's metadata (aws-global), else null. */
    private Region globalRegion(String region) {
        if (!global) {
            return null;
        }
        Region pseudo = Region.of(Partition.of(region).id() + "-global");
        return ServiceMetadata.of(id).regions().contains(pseudo) ? pseudo : null;
    }

    /**
     * An AWS partition (aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, ...), from the SDK's partition metadata: it
     * sets the ARN prefix and the region that holds the global services.
     *
     * @param id the partition's name in ARNs
     */
    record Partition(String id) {
        static Partition of(String region) {
            return new Partition(PartitionMetadata.of(Region.of(region)).id());
        }

        /** The partition's name in ARNs. */
        String arn() {
            return id;
        }

        /**
         * Where global services (IAM, the S3 bucket list) are synced unless option globalRegion says otherwise:
         * the region IAM signs for in this partition (us-east-1, cn-north-1, us-gov-west-1, us-iso-east-1, ...).
         */
        String defaultGlobalRegion(String region) {
            Region pseudo = Region.of(id + "-global");
            ServiceMetadata iam = ServiceMetadata.of("iam");
            return iam.regions().contains(pseudo) ? iam.signingRegion(pseudo).id() : region;
        }
    }
}
