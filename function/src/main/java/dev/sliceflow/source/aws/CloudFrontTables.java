package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.w3c.dom.Element;

/** CloudFront distributions (REST-XML, global): viewer protocol, TLS version, WAF, origins. */
final class CloudFrontTables {
    private CloudFrontTables() {
    }

    static final AwsTable DISTRIBUTIONS = AwsTable.builder("aws_cloudfront_distributions")
            .required("arn", STRING)
            .required("id", STRING)
            .column("domain_name", STRING)
            .column("status", STRING)
            .column("enabled", BOOLEAN)
            .column("aliases", JSON)
            .column("viewer_protocol_policy", STRING)
            .column("minimum_protocol_version", STRING)
            .column("web_acl_id", STRING)
            .column("http_version", STRING)
            .column("ipv6_enabled", BOOLEAN)
            .column("price_class", STRING)
            .column("origin_domain_names", JSON)
            .column("last_modified_at", TIMESTAMP)
            .key("arn")
            .global()
            .permissions("cloudfront:ListDistributions")
            .scanner((slice, rows) -> Pages.restGetXml(slice.api(), AwsService.CLOUDFRONT, "ListDistributions",
                    "/2020-05-31/distribution", Map.of("MaxItems", "100"), new String[] {"IsTruncated"},
                    new String[] {"NextMarker"}, "Marker", list -> rows.each(Xml.list(list, "Items"), d -> {
                        ArrayNode aliases = JsonNodeFactory.instance.arrayNode();
                        Xml.list(d, "Aliases", "Items").forEach(a -> aliases.add(a.getTextContent()));
                        ArrayNode origins = JsonNodeFactory.instance.arrayNode();
                        Xml.list(d, "Origins", "Items").forEach(o -> origins.add(Xml.text(o, "DomainName")));
                        rows.set("arn", Xml.text(d, "ARN"))
                                .set("id", Xml.text(d, "Id"))
                                .set("domain_name", Xml.text(d, "DomainName"))
                                .set("status", Xml.text(d, "Status"))
                                .set("enabled", Xml.bool(d, "Enabled"))
                                .set("aliases", aliases.toString())
                                .set("viewer_protocol_policy", Xml.text(d, "DefaultCacheBehavior",
                                        "ViewerProtocolPolicy"))
                                .set("minimum_protocol_version", Xml.text(d, "ViewerCertificate",
                                        "MinimumProtocolVersion"))
                                .set("web_acl_id", Xml.text(d, "WebACLId"))
                                .set("http_version", Xml.text(d, "HttpVersion"))
                                .set("ipv6_enabled", Xml.bool(d, "IsIPV6Enabled"))
                                .set("price_class", Xml.text(d, "PriceClass"))
                                .set("origin_domain_names", origins.toString())
                                .set("last_modified_at", Xml.instant(d, "LastModifiedTime"))
                                .emit();
                    })));
}
