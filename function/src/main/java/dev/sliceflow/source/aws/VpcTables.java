package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import java.util.Map;

/**
 * The network resources of EC2's API (VPC): elastic IPs, network interfaces, route tables, internet and NAT
 * gateways, network ACLs, flow logs and security-group rules one row per rule. Each operation has its own page
 * maximum (route tables and ACLs 100, most others 1000; DescribeAddresses does not page).
 */
final class VpcTables {
    private VpcTables() {
    }

    private static final Map<String, String> PAGE_100 = Map.of("MaxResults", "100");
    private static final Map<String, String> PAGE_1000 = Map.of("MaxResults", "1000");

    static final AwsTable ADDRESSES = AwsTable.builder("aws_ec2_elastic_ips")
            .required("arn", STRING)
            .required("allocation_id", STRING)
            .column("public_ip", STRING)
            .column("domain", STRING)
            .column("instance_id", STRING)
            .column("network_interface_id", STRING)
            .column("private_ip_address", STRING)
            .column("association_id", STRING)
            .column("network_border_group", STRING)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeAddresses")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeAddresses", "addressesSet", Map.of(),
                    a -> rows.set("arn", Ec2Tables.arn(slice, "elastic-ip", Xml.text(a, "allocationId")))
                            .set("allocation_id", Xml.text(a, "allocationId"))
                            .set("public_ip", Xml.text(a, "publicIp"))
                            .set("domain", Xml.text(a, "domain"))
                            .set("instance_id", Xml.text(a, "instanceId"))
                            .set("network_interface_id", Xml.text(a, "networkInterfaceId"))
                            .set("private_ip_address", Xml.text(a, "privateIpAddress"))
                            .set("association_id", Xml.text(a, "associationId"))
                            .set("network_border_group", Xml.text(a, "networkBorderGroup"))
                            .set("tags", Xml.tags(a, "tagSet").toString())
                            .emit()));

    static final AwsTable NETWORK_INTERFACES = AwsTable.builder("aws_ec2_network_interfaces")
            .required("arn", STRING)
            .required("network_interface_id", STRING)
            .column("interface_type", STRING)
            .column("status", STRING)
            .column("vpc_id", STRING)
            .column("subnet_id", STRING)
            .column("availability_zone", STRING)
            .column("private_ip_address", STRING)
            .column("public_ip", STRING)
            .column("mac_address", STRING)
            .column("source_dest_check", BOOLEAN)
            .column("requester_managed", BOOLEAN)
            .column("attachment", JSON)
            .column("groups", JSON)
            .column("private_ip_addresses", JSON)
            .column("ipv6_addresses", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeNetworkInterfaces")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeNetworkInterfaces",
                    "networkInterfaceSet", PAGE_1000, n -> rows
                            .set("arn", Ec2Tables.arn(slice, "network-interface", Xml.text(n, "networkInterfaceId")))
                            .set("network_interface_id", Xml.text(n, "networkInterfaceId"))
                            .set("interface_type", Xml.text(n, "interfaceType"))
                            .set("status", Xml.text(n, "status"))
                            .set("vpc_id", Xml.text(n, "vpcId"))
                            .set("subnet_id", Xml.text(n, "subnetId"))
                            .set("availability_zone", Xml.text(n, "availabilityZone"))
                            .set("private_ip_address", Xml.text(n, "privateIpAddress"))
                            .set("public_ip", Xml.text(n, "association", "publicIp"))
                            .set("mac_address", Xml.text(n, "macAddress"))
                            .set("source_dest_check", Xml.bool(n, "sourceDestCheck"))
                            .set("requester_managed", Xml.bool(n, "requesterManaged"))
                            .set("attachment", Xml.child(n, "attachment") == null ? null
                                    : Xml.toJson(Xml.child(n, "attachment")).toString())
                            .set("groups", Xml.array(n, "groupSet").toString())
                            .set("private_ip_addresses", Xml.array(n, "privateIpAddressesSet").toString())
                            .set("ipv6_addresses", Xml.array(n, "ipv6AddressesSet").toString())
                            .set("tags", Xml.tags(n, "tagSet").toString())
                            .emit()));

    static final AwsTable ROUTE_TABLES = AwsTable.builder("aws_ec2_route_tables")
            .required("arn", STRING)
            .required("route_table_id", STRING)
            .column("vpc_id", STRING)
            .column("owner_id", STRING)
            .column("main", BOOLEAN)
            .column("routes", JSON)
            .column("associations", JSON)
            .column("propagating_vgws", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeRouteTables")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeRouteTables", "routeTableSet",
                    PAGE_100, t -> rows
                            .set("arn", Ec2Tables.arn(slice, "route-table", Xml.text(t, "routeTableId")))
                            .set("route_table_id", Xml.text(t, "routeTableId"))
                            .set("vpc_id", Xml.text(t, "vpcId"))
                            .set("owner_id", Xml.text(t, "ownerId"))
                            .set("main", Xml.list(t, "associationSet").stream()
                                    .anyMatch(a -> "true".equals(Xml.text(a, "main"))))
                            .set("routes", Xml.array(t, "routeSet").toString())
                            .set("associations", Xml.array(t, "associationSet").toString())
                            .set("propagating_vgws", Xml.array(t, "propagatingVgwSet").toString())
                            .set("tags", Xml.tags(t, "tagSet").toString())
                            .emit()));

    static final AwsTable INTERNET_GATEWAYS = AwsTable.builder("aws_ec2_internet_gateways")
            .required("arn", STRING)
            .required("internet_gateway_id", STRING)
            .column("owner_id", STRING)
            .column("attachments", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeInternetGateways")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeInternetGateways",
                    "internetGatewaySet", PAGE_1000, g -> rows
                            .set("arn", Ec2Tables.arn(slice, "internet-gateway", Xml.text(g, "internetGatewayId")))
                            .set("internet_gateway_id", Xml.text(g, "internetGatewayId"))
                            .set("owner_id", Xml.text(g, "ownerId"))
                            .set("attachments", Xml.array(g, "attachmentSet").toString())
                            .set("tags", Xml.tags(g, "tagSet").toString())
                            .emit()));

    static final AwsTable NAT_GATEWAYS = AwsTable.builder("aws_ec2_nat_gateways")
            .required("arn", STRING)
            .required("nat_gateway_id", STRING)
            .column("state", STRING)
            .column("connectivity_type", STRING)
            .column("vpc_id", STRING)
            .column("subnet_id", STRING)
            .column("created_at", TIMESTAMP)
            .column("addresses", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeNatGateways")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeNatGateways", "natGatewaySet",
                    PAGE_1000, g -> rows
                            .set("arn", Ec2Tables.arn(slice, "natgateway", Xml.text(g, "natGatewayId")))
                            .set("nat_gateway_id", Xml.text(g, "natGatewayId"))
                            .set("state", Xml.text(g, "state"))
                            .set("connectivity_type", Xml.text(g, "connectivityType"))
                            .set("vpc_id", Xml.text(g, "vpcId"))
                            .set("subnet_id", Xml.text(g, "subnetId"))
                            .set("created_at", Xml.instant(g, "createTime"))
                            .set("addresses", Xml.array(g, "natGatewayAddressSet").toString())
                            .set("tags", Xml.tags(g, "tagSet").toString())
                            .emit()));

    static final AwsTable NETWORK_ACLS = AwsTable.builder("aws_ec2_network_acls")
            .required("arn", STRING)
            .required("network_acl_id", STRING)
            .column("vpc_id", STRING)
            .column("owner_id", STRING)
            .column("is_default", BOOLEAN)
            .column("entries", JSON)
            .column("associations", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeNetworkAcls")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeNetworkAcls", "networkAclSet",
                    PAGE_100, a -> rows
                            .set("arn", Ec2Tables.arn(slice, "network-acl", Xml.text(a, "networkAclId")))
                            .set("network_acl_id", Xml.text(a, "networkAclId"))
                            .set("vpc_id", Xml.text(a, "vpcId"))
                            .set("owner_id", Xml.text(a, "ownerId"))
                            .set("is_default", Xml.bool(a, "default"))
                            .set("entries", Xml.array(a, "entrySet").toString())
                            .set("associations", Xml.array(a, "associationSet").toString())
                            .set("tags", Xml.tags(a, "tagSet").toString())
                            .emit()));

    static final AwsTable FLOW_LOGS = AwsTable.builder("aws_ec2_flow_logs")
            .required("arn", STRING)
            .required("flow_log_id", STRING)
            .column("resource_id", STRING)
            .column("traffic_type", STRING)
            .column("status", STRING)
            .column("log_destination_type", STRING)
            .column("log_destination", STRING)
            .column("log_group_name", STRING)
            .column("deliver_logs_status", STRING)
            .column("created_at", TIMESTAMP)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeFlowLogs")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeFlowLogs", "flowLogSet", PAGE_1000,
                    f -> rows.set("arn", Ec2Tables.arn(slice, "vpc-flow-log", Xml.text(f, "flowLogId")))
                            .set("flow_log_id", Xml.text(f, "flowLogId"))
                            .set("resource_id", Xml.text(f, "resourceId"))
                            .set("traffic_type", Xml.text(f, "trafficType"))
                            .set("status", Xml.text(f, "flowLogStatus"))
                            .set("log_destination_type", Xml.text(f, "logDestinationType"))
                            .set("log_destination", Xml.text(f, "logDestination"))
                            .set("log_group_name", Xml.text(f, "logGroupName"))
                            .set("deliver_logs_status", Xml.text(f, "deliverLogsStatus"))
                            .set("created_at", Xml.instant(f, "creationTime"))
                            .set("tags", Xml.tags(f, "tagSet").toString())
                            .emit()));

    /** One row per rule, as CIS checks read them (0.0.0.0/0 to port 22 or 3389). */
    static final AwsTable SECURITY_GROUP_RULES = AwsTable.builder("aws_ec2_security_group_rules")
            .required("arn", STRING)
            .required("security_group_rule_id", STRING)
            .column("group_id", STRING)
            .column("group_owner_id", STRING)
            .column("is_egress", BOOLEAN)
            .column("ip_protocol", STRING)
            .column("from_port", LONG)
            .column("to_port", LONG)
            .column("cidr_ipv4", STRING)
            .column("cidr_ipv6", STRING)
            .column("prefix_list_id", STRING)
            .column("referenced_group_id", STRING)
            .column("description", STRING)
            .column("tags", JSON)
            .key("arn")
            .permissions("ec2:DescribeSecurityGroupRules")
            .scanner((slice, rows) -> Ec2Tables.describe(slice, rows, "DescribeSecurityGroupRules",
                    "securityGroupRuleSet", PAGE_1000, r -> rows
                            .set("arn", Ec2Tables.arn(slice, "security-group-rule", Xml.text(r, "securityGroupRuleId")))
                            .set("security_group_rule_id", Xml.text(r, "securityGroupRuleId"))
                            .set("group_id", Xml.text(r, "groupId"))
                            .set("group_owner_id", Xml.text(r, "groupOwnerId"))
                            .set("is_egress", Xml.bool(r, "isEgress"))
                            .set("ip_protocol", Xml.text(r, "ipProtocol"))
                            .set("from_port", Xml.longValue(r, "fromPort"))
                            .set("to_port", Xml.longValue(r, "toPort"))
                            .set("cidr_ipv4", Xml.text(r, "cidrIpv4"))
                            .set("cidr_ipv6", Xml.text(r, "cidrIpv6"))
                            .set("prefix_list_id", Xml.text(r, "prefixListId"))
                            .set("referenced_group_id", Xml.text(r, "referencedGroupInfo", "groupId"))
                            .set("description", Xml.text(r, "description"))
                            .set("tags", Xml.tags(r, "tagSet").toString())
                            .emit()));
}
