package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.DOUBLE;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.w3c.dom.Element;

/**
 * Elastic Load Balancing v2 (query protocol): load balancers with their attributes (access logs, deletion
 * protection, header handling), their listeners (protocol, TLS policy: the checks read these), and target groups.
 */
final class ElbTables {
    private ElbTables() {
    }

    static final AwsTable LOAD_BALANCERS = AwsTable.builder("aws_elbv2_load_balancers")
            .required("arn", STRING)
            .required("name", STRING)
            .column("type", STRING)
            .column("scheme", STRING)
            .column("state", STRING)
            .column("dns_name", STRING)
            .column("vpc_id", STRING)
            .column("ip_address_type", STRING)
            .column("created_at", TIMESTAMP)
            .column("security_groups", JSON)
            .column("availability_zones", JSON)
            .column("attributes", JSON)
            .key("arn")
            .permissions("elasticloadbalancing:DescribeLoadBalancers",
                    "elasticloadbalancing:DescribeLoadBalancerAttributes")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.ELBV2, "DescribeLoadBalancers",
                    Map.of("PageSize", "400"), "DescribeLoadBalancersResult", "NextMarker", "Marker",
                    page -> rows.each(Xml.list(page, "LoadBalancers"), lb -> {
                        String arn = Xml.text(lb, "LoadBalancerArn");
                        Element attributes = Xml.child(slice.api().query(AwsService.ELBV2,
                                "DescribeLoadBalancerAttributes", Map.of("LoadBalancerArn", arn)),
                                "DescribeLoadBalancerAttributesResult");
                        var all = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                        for (Element attribute : Xml.list(attributes, "Attributes")) {
                            all.put(Xml.text(attribute, "Key"), Xml.text(attribute, "Value"));
                        }
                        rows.set("arn", arn)
                                .set("name", Xml.text(lb, "LoadBalancerName"))
                                .set("type", Xml.text(lb, "Type"))
                                .set("scheme", Xml.text(lb, "Scheme"))
                                .set("state", Xml.text(lb, "State", "Code"))
                                .set("dns_name", Xml.text(lb, "DNSName"))
                                .set("vpc_id", Xml.text(lb, "VpcId"))
                                .set("ip_address_type", Xml.text(lb, "IpAddressType"))
                                .set("created_at", Xml.instant(lb, "CreatedTime"))
                                .set("security_groups", Xml.array(lb, "SecurityGroups").toString())
                                .set("availability_zones", Xml.array(lb, "AvailabilityZones").toString())
                                .set("attributes", all.toString())
                                .emit();
                    })));

    static final AwsTable LISTENERS = AwsTable.builder("aws_elbv2_listeners")
            .required("arn", STRING)
            .column("load_balancer_arn", STRING)
            .column("port", LONG)
            .column("protocol", STRING)
            .column("ssl_policy", STRING)
            .column("certificates", JSON)
            .column("default_actions", JSON)
            .key("arn")
            .permissions("elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.ELBV2, "DescribeLoadBalancers",
                    Map.of("PageSize", "400"), "DescribeLoadBalancersResult", "NextMarker", "Marker", page -> {
                        for (Element lb : Xml.list(page, "LoadBalancers")) {
                            Pages.query(slice.api(), AwsService.ELBV2, "DescribeListeners",
                                    Map.of("LoadBalancerArn", Xml.text(lb, "LoadBalancerArn"), "PageSize", "400"),
                                    "DescribeListenersResult", "NextMarker", "Marker",
                                    listeners -> rows.each(Xml.list(listeners, "Listeners"), l -> rows
                                            .set("arn", Xml.text(l, "ListenerArn"))
                                            .set("load_balancer_arn", Xml.text(l, "LoadBalancerArn"))
                                            .set("port", Xml.longValue(l, "Port"))
                                            .set("protocol", Xml.text(l, "Protocol"))
                                            .set("ssl_policy", Xml.text(l, "SslPolicy"))
                                            .set("certificates", Xml.array(l, "Certificates").toString())
                                            .set("default_actions", Xml.array(l, "DefaultActions").toString())
                                            .emit()));
                        }
                    }));

    static final AwsTable TARGET_GROUPS = AwsTable.builder("aws_elbv2_target_groups")
            .required("arn", STRING)
            .required("name", STRING)
            .column("target_type", STRING)
            .column("protocol", STRING)
            .column("port", LONG)
            .column("vpc_id", STRING)
            .column("health_check_protocol", STRING)
            .column("health_check_path", STRING)
            .column("load_balancer_arns", JSON)
            .key("arn")
            .permissions("elasticloadbalancing:DescribeTargetGroups")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.ELBV2, "DescribeTargetGroups",
                    Map.of("PageSize", "400"), "DescribeTargetGroupsResult", "NextMarker", "Marker",
                    page -> rows.each(Xml.list(page, "TargetGroups"), t -> rows
                            .set("arn", Xml.text(t, "TargetGroupArn"))
                            .set("name", Xml.text(t, "TargetGroupName"))
                            .set("target_type", Xml.text(t, "TargetType"))
                            .set("protocol", Xml.text(t, "Protocol"))
                            .set("port", Xml.longValue(t, "Port"))
                            .set("vpc_id", Xml.text(t, "VpcId"))
                            .set("health_check_protocol", Xml.text(t, "HealthCheckProtocol"))
                            .set("health_check_path", Xml.text(t, "HealthCheckPath"))
                            .set("load_balancer_arns", Xml.array(t, "LoadBalancerArns").toString())
                            .emit())));
}
