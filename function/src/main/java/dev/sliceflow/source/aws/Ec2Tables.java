package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import java.util.Map;
import org.w3c.dom.Element;

/** EC2 instances, VPCs, subnets and security groups: the Describe* operations, 500 per page. */
final class Ec2Tables {
    private Ec2Tables() {
    }

    static final AwsTable INSTANCES = AwsTable.builder("aws_ec2_instances")
            .required("arn", STRING)
            .required("instance_id", STRING)
            .column("reservation_id", STRING)
            .column("instance_type", STRING)
            .column("state", STRING)
            .column("image_id", STRING)
            .column("launched_at", TIMESTAMP)
            .column("availability_zone", STRING)
            .column("vpc_id", STRING)
            .column("subnet_id", STRING)
            .column("private_ip_address", STRING)
            .column("public_ip_address", STRING)
            .column("private_dns_name", STRING)
            .column("public_dns_name", STRING)
            .column("key_name", STRING)
            .column("architecture", STRING)
            .column("platform_details", STRING)
            .column("iam_instance_profile_arn", STRING)
            .column("metadata_http_tokens", STRING)
            .column("platform", STRING)
            .column("ipv6_address", STRING)
            .column("state_reason", STRING)
            .column("ebs_optimized", BOOLEAN)
            .column("monitoring_state", STRING)
            .column("network_interfaces", JSON)
            .column("security_groups", JSON)
            .column("block_device_mappings", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeInstances")
            .scanner((slice, rows) -> describe(slice, rows, "DescribeInstances", "reservationSet", reservation -> {
                rows.each(Xml.list(reservation, "instancesSet"), i -> {
                    String id = Xml.text(i, "instanceId");
                    rows.set("arn", arn(slice, "instance", id))
                            .set("instance_id", id)
                            .set("reservation_id", Xml.text(reservation, "reservationId"))
                            .set("instance_type", Xml.text(i, "instanceType"))
                            .set("state", Xml.text(i, "instanceState", "name"))
                            .set("image_id", Xml.text(i, "imageId"))
                            .set("launched_at", Xml.instant(i, "launchTime"))
                            .set("availability_zone", Xml.text(i, "placement", "availabilityZone"))
                            .set("vpc_id", Xml.text(i, "vpcId"))
                            .set("subnet_id", Xml.text(i, "subnetId"))
                            .set("private_ip_address", Xml.text(i, "privateIpAddress"))
                            .set("public_ip_address", Xml.text(i, "ipAddress"))
                            .set("private_dns_name", Xml.text(i, "privateDnsName"))
                            .set("public_dns_name", Xml.text(i, "dnsName"))
                            .set("key_name", Xml.text(i, "keyName"))
                            .set("architecture", Xml.text(i, "architecture"))
                            .set("platform_details", Xml.text(i, "platformDetails"))
                            .set("iam_instance_profile_arn", Xml.text(i, "iamInstanceProfile", "arn"))
                            .set("metadata_http_tokens", Xml.text(i, "metadataOptions", "httpTokens"))
                            .set("platform", Xml.text(i, "platform"))
                            .set("ipv6_address", Xml.text(i, "ipv6Address"))
                            .set("state_reason", Xml.text(i, "stateReason", "message"))
                            .set("ebs_optimized", Xml.bool(i, "ebsOptimized"))
                            .set("monitoring_state", Xml.text(i, "monitoring", "state"))
                            .set("network_interfaces", Xml.array(i, "networkInterfaceSet").toString())
                            .set("security_groups", Xml.array(i, "groupSet").toString())
                            .set("block_device_mappings", Xml.array(i, "blockDeviceMapping").toString())
                            .set("tags", Xml.tags(i, "tagSet").toString())
                            .emit();
                });
            }));

    static final AwsTable VPCS = AwsTable.builder("aws_ec2_vpcs")
            .required("arn", STRING)
            .required("vpc_id", STRING)
            .column("state", STRING)
            .column("cidr_block", STRING)
            .column("is_default", BOOLEAN)
            .column("instance_tenancy", STRING)
            .column("dhcp_options_id", STRING)
            .column("cidr_block_associations", JSON)
            .column("ipv6_cidr_block_associations", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeVpcs")
            .scanner((slice, rows) -> describe(slice, rows, "DescribeVpcs", "vpcSet", v -> rows
                    .set("arn", arn(slice, "vpc", Xml.text(v, "vpcId")))
                    .set("vpc_id", Xml.text(v, "vpcId"))
                    .set("state", Xml.text(v, "state"))
                    .set("cidr_block", Xml.text(v, "cidrBlock"))
                    .set("is_default", Xml.bool(v, "isDefault"))
                    .set("instance_tenancy", Xml.text(v, "instanceTenancy"))
                    .set("dhcp_options_id", Xml.text(v, "dhcpOptionsId"))
                    .set("cidr_block_associations", Xml.array(v, "cidrBlockAssociationSet").toString())
                    .set("ipv6_cidr_block_associations", Xml.array(v, "ipv6CidrBlockAssociationSet").toString())
                    .set("tags", Xml.tags(v, "tagSet").toString())
                    .emit()));

    static final AwsTable SUBNETS = AwsTable.builder("aws_ec2_subnets")
            .required("arn", STRING)
            .required("subnet_id", STRING)
            .column("vpc_id", STRING)
            .column("state", STRING)
            .column("cidr_block", STRING)
            .column("availability_zone", STRING)
            .column("availability_zone_id", STRING)
            .column("available_ip_address_count", LONG)
            .column("default_for_az", BOOLEAN)
            .column("map_public_ip_on_launch", BOOLEAN)
            .column("ipv6_cidr_block_associations", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeSubnets")
            .scanner((slice, rows) -> describe(slice, rows, "DescribeSubnets", "subnetSet", s -> rows
                    .set("arn", Xml.text(s, "subnetArn") != null ? Xml.text(s, "subnetArn")
                            : arn(slice, "subnet", Xml.text(s, "subnetId")))
                    .set("subnet_id", Xml.text(s, "subnetId"))
                    .set("vpc_id", Xml.text(s, "vpcId"))
                    .set("state", Xml.text(s, "state"))
                    .set("cidr_block", Xml.text(s, "cidrBlock"))
                    .set("availability_zone", Xml.text(s, "availabilityZone"))
                    .set("availability_zone_id", Xml.text(s, "availabilityZoneId"))
                    .set("available_ip_address_count", Xml.longValue(s, "availableIpAddressCount"))
                    .set("default_for_az", Xml.bool(s, "defaultForAz"))
                    .set("map_public_ip_on_launch", Xml.bool(s, "mapPublicIpOnLaunch"))
                    .set("ipv6_cidr_block_associations", Xml.array(s, "ipv6CidrBlockAssociationSet").toString())
                    .set("tags", Xml.tags(s, "tagSet").toString())
                    .emit()));

    static final AwsTable SECURITY_GROUPS = AwsTable.builder("aws_ec2_security_groups")
            .required("arn", STRING)
            .required("group_id", STRING)
            .column("group_name", STRING)
            .column("description", STRING)
            .column("vpc_id", STRING)
            .column("ingress_rules", JSON)
            .column("egress_rules", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeSecurityGroups")
            .scanner((slice, rows) -> describe(slice, rows, "DescribeSecurityGroups", "securityGroupInfo", g -> rows
                    .set("arn", Xml.text(g, "securityGroupArn") != null ? Xml.text(g, "securityGroupArn")
                            : arn(slice, "security-group", Xml.text(g, "groupId")))
                    .set("group_id", Xml.text(g, "groupId"))
                    .set("group_name", Xml.text(g, "groupName"))
                    .set("description", Xml.text(g, "groupDescription"))
                    .set("vpc_id", Xml.text(g, "vpcId"))
                    .set("ingress_rules", Xml.array(g, "ipPermissions").toString())
                    .set("egress_rules", Xml.array(g, "ipPermissionsEgress").toString())
                    .set("tags", Xml.tags(g, "tagSet").toString())
                    .emit()));

    static final AwsTable VOLUMES = AwsTable.builder("aws_ec2_volumes")
            .required("arn", STRING)
            .required("volume_id", STRING)
            .column("volume_type", STRING)
            .column("size_gib", LONG)
            .column("state", STRING)
            .column("encrypted", BOOLEAN)
            .column("kms_key_id", STRING)
            .column("iops", LONG)
            .column("throughput", LONG)
            .column("availability_zone", STRING)
            .column("snapshot_id", STRING)
            .column("multi_attach_enabled", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("attachments", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeVolumes")
            .scanner((slice, rows) -> describe(slice, rows, "DescribeVolumes", "volumeSet", v -> rows
                    .set("arn", arn(slice, "volume", Xml.text(v, "volumeId")))
                    .set("volume_id", Xml.text(v, "volumeId"))
                    .set("volume_type", Xml.text(v, "volumeType"))
                    .set("size_gib", Xml.longValue(v, "size"))
                    .set("state", Xml.text(v, "status"))
                    .set("encrypted", Xml.bool(v, "encrypted"))
                    .set("kms_key_id", Xml.text(v, "kmsKeyId"))
                    .set("iops", Xml.longValue(v, "iops"))
                    .set("throughput", Xml.longValue(v, "throughput"))
                    .set("availability_zone", Xml.text(v, "availabilityZone"))
                    .set("snapshot_id", Xml.text(v, "snapshotId"))
                    .set("multi_attach_enabled", Xml.bool(v, "multiAttachEnabled"))
                    .set("created_at", Xml.instant(v, "createTime"))
                    .set("attachments", Xml.array(v, "attachmentSet").toString())
                    .set("tags", Xml.tags(v, "tagSet").toString())
                    .emit()));

    /** Only the account's own snapshots: public and shared ones are other accounts' resources. */
    static final AwsTable SNAPSHOTS = AwsTable.builder("aws_ec2_snapshots")
            .required("arn", STRING)
            .required("snapshot_id", STRING)
            .column("volume_id", STRING)
            .column("volume_size_gib", LONG)
            .column("state", STRING)
            .column("encrypted", BOOLEAN)
            .column("kms_key_id", STRING)
            .column("description", STRING)
            .column("owner_id", STRING)
            .column("storage_tier", STRING)
            .column("started_at", TIMESTAMP)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeSnapshots")
            // the owner-id filter, not Owner.1=self: both are documented, and moto honours only the filter
            .scanner((slice, rows) -> describe(slice, rows, "DescribeSnapshots", "snapshotSet",
                    Map.of("MaxResults", "1000", "Filter.1.Name", "owner-id", "Filter.1.Value.1", slice.account()),
                    v -> rows
                    .set("arn", arn(slice, "snapshot", Xml.text(v, "snapshotId")).replace(
                            ":" + slice.account() + ":snapshot/", "::snapshot/"))
                    .set("snapshot_id", Xml.text(v, "snapshotId"))
                    .set("volume_id", Xml.text(v, "volumeId"))
                    .set("volume_size_gib", Xml.longValue(v, "volumeSize"))
                    .set("state", Xml.text(v, "status"))
                    .set("encrypted", Xml.bool(v, "encrypted"))
                    .set("kms_key_id", Xml.text(v, "kmsKeyId"))
                    .set("description", Xml.text(v, "description"))
                    .set("owner_id", Xml.text(v, "ownerId"))
                    .set("storage_tier", Xml.text(v, "storageTier"))
                    .set("started_at", Xml.instant(v, "startTime"))
                    .set("tags", Xml.tags(v, "tagSet").toString())
                    .emit()));

    /** Only the account's own images (AMIs). */
    static final AwsTable IMAGES = AwsTable.builder("aws_ec2_images")
            .required("arn", STRING)
            .required("image_id", STRING)
            .column("name", STRING)
            .column("description", STRING)
            .column("state", STRING)
            .column("public", BOOLEAN)
            .column("architecture", STRING)
            .column("platform_details", STRING)
            .column("root_device_type", STRING)
            .column("virtualization_type", STRING)
            .column("owner_id", STRING)
            .column("created_at", TIMESTAMP)
            .column("deprecation_time", TIMESTAMP)
            .column("block_device_mappings", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeImages")
            .scanner((slice, rows) -> describe(slice, rows, "DescribeImages", "imagesSet",
                    Map.of("MaxResults", "1000", "Owner.1", "self"), v -> rows
                    .set("arn", "arn:" + AwsService.Partition.of(slice.region()).arn() + ":ec2:" + slice.region()
                            + "::image/" + Xml.text(v, "imageId"))
                    .set("image_id", Xml.text(v, "imageId"))
                    .set("name", Xml.text(v, "name"))
                    .set("description", Xml.text(v, "description"))
                    .set("state", Xml.text(v, "imageState"))
                    .set("public", Xml.bool(v, "isPublic"))
                    .set("architecture", Xml.text(v, "architecture"))
                    .set("platform_details", Xml.text(v, "platformDetails"))
                    .set("root_device_type", Xml.text(v, "rootDeviceType"))
                    .set("virtualization_type", Xml.text(v, "virtualizationType"))
                    .set("owner_id", Xml.text(v, "imageOwnerId"))
                    .set("created_at", Xml.instant(v, "creationDate"))
                    .set("deprecation_time", Xml.instant(v, "deprecationTime"))
                    .set("block_device_mappings", Xml.array(v, "blockDeviceMapping").toString())
                    .set("tags", Xml.tags(v, "tagSet").toString())
                    .emit()));

    @FunctionalInterface
    interface Item {
        void accept(Element item) throws Exception;
    }

    private static void describe(AwsSlice slice, AwsTable.Rows rows, String action, String set, Item item)
            throws Exception {
        // 500 a page: an instance is a few KB of XML, and a page is parsed whole (DOM) while others are in flight.
        describe(slice, rows, action, set, Map.of("MaxResults", "500"), item);
    }

    /**
     * Every page of an EC2 Describe* call, each item of {@code set} mapped to a row. {@code params} carries the
     * page size (each operation has its own maximum) and filters; an operation without paging gets none.
     */
    static void describe(AwsSlice slice, AwsTable.Rows rows, String action, String set, Map<String, String> params,
                         Item item) throws Exception {
        Pages.query(slice.api(), AwsService.EC2, action, params, null, "nextToken", "NextToken",
                root -> rows.each(Xml.list(root, set), item::accept));
    }

    static String arn(AwsSlice slice, String type, String id) {
        return "arn:" + AwsService.Partition.of(slice.region()).arn() + ":ec2:" + slice.region() + ":"
                + slice.account() + ":" + type + "/" + id;
    }
}
