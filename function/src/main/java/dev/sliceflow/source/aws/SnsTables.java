package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;

/** SNS topics and subscriptions (query protocol). */
final class SnsTables {
    private SnsTables() {
    }

    static final AwsTable TOPICS = AwsTable.builder("aws_sns_topics")
            .required("arn", STRING)
            .required("name", STRING)
            .column("display_name", STRING)
            .column("owner", STRING)
            .column("fifo", BOOLEAN)
            .column("kms_master_key_id", STRING)
            .column("subscriptions_confirmed", LONG)
            .column("subscriptions_pending", LONG)
            .column("subscriptions_deleted", LONG)
            .column("policy", JSON)
            .column("delivery_policy", JSON)
            .column("attributes", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("sns:ListTopics", "sns:GetTopicAttributes", "sns:ListTagsForResource")
            .scanner(SnsTables::snsTopics);

    private static void snsTopics(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.query(api, AwsService.SNS, "ListTopics", Map.of(), "ListTopicsResult", "NextToken", "NextToken",
                page -> {
                    rows.each(Xml.list(page, "Topics"), topic -> {
                        String arn = Xml.text(topic, "TopicArn");
                        Map<String, String> attributes = new HashMap<>();
                        Element tags;
                        try {
                            Element result = Xml.child(api.query(AwsService.SNS, "GetTopicAttributes",
                                    Map.of("TopicArn", arn)), "GetTopicAttributesResult");
                            for (Element entry : Xml.list(result, "Attributes")) {
                                attributes.put(Xml.text(entry, "key"), Xml.text(entry, "value"));
                            }
                            tags = Xml.child(api.query(AwsService.SNS, "ListTagsForResource",
                                    Map.of("ResourceArn", arn)), "ListTagsForResourceResult");
                        } catch (AwsApiException e) {
                            if ("NotFound".equals(e.errorCode()) || "ResourceNotFound".equals(e.errorCode())) {
                                return; // deleted since ListTopics
                            }
                            throw e;
                        }
                        ObjectNode all = JsonNodeFactory.instance.objectNode();
                        new TreeMap<>(attributes).forEach(all::put);
                        rows.set("arn", arn)
                                .set("name", arn.substring(arn.lastIndexOf(':') + 1))
                                .set("display_name", attributes.get("DisplayName"))
                                .set("owner", attributes.get("Owner"))
                                .set("fifo", attributes.containsKey("FifoTopic")
                                        ? Boolean.valueOf(attributes.get("FifoTopic")) : Boolean.FALSE)
                                .set("kms_master_key_id", attributes.get("KmsMasterKeyId"))
                                .set("subscriptions_confirmed", Values.number(attributes.get("SubscriptionsConfirmed")))
                                .set("subscriptions_pending", Values.number(attributes.get("SubscriptionsPending")))
                                .set("subscriptions_deleted", Values.number(attributes.get("SubscriptionsDeleted")))
                                .set("policy", Values.policy(attributes.get("Policy"), false))
                                .set("delivery_policy", Values.policy(attributes.get("DeliveryPolicy"), false))
                                .set("attributes", all.toString())
                                .set("tags", Xml.tags(tags, "Tags").toString())
                                .emit();
                    });
                });
    }

    static final AwsTable SUBSCRIPTIONS = AwsTable.builder("aws_sns_subscriptions")
            .required("arn", STRING)
            .column("topic_arn", STRING)
            .column("protocol", STRING)
            .column("endpoint", STRING)
            .column("owner", STRING)
            .column("pending_confirmation", BOOLEAN)
            .key("arn")
            .permissions("sns:ListSubscriptions")
            // A subscription still pending confirmation has no ARN yet: SubscriptionArn is "PendingConfirmation",
            // so the key is made unique from the topic and endpoint.
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.SNS, "ListSubscriptions", Map.of(),
                    "ListSubscriptionsResult", "NextToken", "NextToken",
                    page -> rows.each(Xml.list(page, "Subscriptions"), sub -> {
                        String arn = Xml.text(sub, "SubscriptionArn");
                        boolean pending = "PendingConfirmation".equals(arn);
                        rows.set("arn", pending ? Xml.text(sub, "TopicArn") + ":pending:" + Xml.text(sub, "Endpoint")
                                        : arn)
                                .set("topic_arn", Xml.text(sub, "TopicArn"))
                                .set("protocol", Xml.text(sub, "Protocol"))
                                .set("endpoint", Xml.text(sub, "Endpoint"))
                                .set("owner", Xml.text(sub, "Owner"))
                                .set("pending_confirmation", pending)
                                .emit();
                    })));
}
