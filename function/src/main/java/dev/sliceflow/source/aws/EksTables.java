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

/** EKS clusters (REST-JSON): endpoint exposure, logging, secrets encryption, version. */
final class EksTables {
    private EksTables() {
    }

    static final AwsTable CLUSTERS = AwsTable.builder("aws_eks_clusters")
            .required("arn", STRING)
            .required("name", STRING)
            .column("version", STRING)
            .column("platform_version", STRING)
            .column("status", STRING)
            .column("endpoint", STRING)
            .column("role_arn", STRING)
            .column("endpoint_public_access", BOOLEAN)
            .column("endpoint_private_access", BOOLEAN)
            .column("public_access_cidrs", JSON)
            .column("resources_vpc_config", JSON)
            .column("logging", JSON)
            .column("encryption_config", JSON)
            .column("created_at", TIMESTAMP)
            .column("tags", JSON)
            .key("arn")
            .permissions("eks:ListClusters", "eks:DescribeCluster")
            .scanner((slice, rows) -> Pages.restGet(slice.api(), AwsService.EKS, "ListClusters", "/clusters",
                    Map.of("maxResults", "100"), "nextToken", "nextToken",
                    page -> rows.each(page.path("clusters"), name -> {
                        JsonNode c = slice.api().restGet(AwsService.EKS, "DescribeCluster", "/clusters/"
                                + URLEncoder.encode(name.asText(), StandardCharsets.UTF_8), Map.of()).path("cluster");
                        JsonNode vpc = c.path("resourcesVpcConfig");
                        rows.set("arn", Values.text(c, "arn"))
                                .set("name", Values.text(c, "name"))
                                .set("version", Values.text(c, "version"))
                                .set("platform_version", Values.text(c, "platformVersion"))
                                .set("status", Values.text(c, "status"))
                                .set("endpoint", Values.text(c, "endpoint"))
                                .set("role_arn", Values.text(c, "roleArn"))
                                .set("endpoint_public_access", Values.bool(vpc, "endpointPublicAccess"))
                                .set("endpoint_private_access", Values.bool(vpc, "endpointPrivateAccess"))
                                .set("public_access_cidrs", Values.json(vpc, "publicAccessCidrs"))
                                .set("resources_vpc_config", Values.json(c, "resourcesVpcConfig"))
                                .set("logging", Values.json(c, "logging"))
                                .set("encryption_config", Values.json(c, "encryptionConfig"))
                                .set("created_at", Values.epochSeconds(c.get("createdAt")))
                                .set("tags", c.path("tags").isObject() ? c.path("tags").toString() : "{}")
                                .emit();
                    })));
}
