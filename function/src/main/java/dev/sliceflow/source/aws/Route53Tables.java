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

/** Route 53 hosted zones (REST-XML, global): public or private, record count, tags. */
final class Route53Tables {
    private Route53Tables() {
    }

    static final AwsTable HOSTED_ZONES = AwsTable.builder("aws_route53_hosted_zones")
            .required("arn", STRING)
            .required("zone_id", STRING)
            .column("name", STRING)
            .column("private_zone", BOOLEAN)
            .column("record_count", LONG)
            .column("comment", STRING)
            .column("tags", JSON)
            .key("arn")
            .global()
            .permissions("route53:ListHostedZones", "route53:ListTagsForResource")
            .scanner((slice, rows) -> Pages.restGetXml(slice.api(), AwsService.ROUTE53, "ListHostedZones",
                    "/2013-04-01/hostedzone", Map.of("maxitems", "100"), new String[] {"IsTruncated"},
                    new String[] {"NextMarker"}, "marker", page -> rows.each(Xml.list(page, "HostedZones"), z -> {
                        String id = Xml.text(z, "Id");
                        String zoneId = id == null ? null : id.substring(id.lastIndexOf('/') + 1);
                        Element tags = slice.api().restGetXml(AwsService.ROUTE53, "ListTagsForResource",
                                "/2013-04-01/tags/hostedzone/" + zoneId, Map.of());
                        rows.set("arn", "arn:" + AwsService.Partition.of(slice.region()).arn()
                                        + ":route53:::hostedzone/" + zoneId)
                                .set("zone_id", zoneId)
                                .set("name", Xml.text(z, "Name"))
                                .set("private_zone", Xml.bool(z, "Config", "PrivateZone"))
                                .set("record_count", Xml.longValue(z, "ResourceRecordSetCount"))
                                .set("comment", Xml.text(z, "Config", "Comment"))
                                .set("tags", Xml.tags(Xml.child(tags, "ResourceTagSet"), "Tags").toString())
                                .emit();
                    })));
}
