package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** SQS queues: ListQueues, then each queue's attributes and tags. A queue deleted meanwhile is left out. */
final class SqsTables {
    private SqsTables() {
    }

    static final AwsTable QUEUES = AwsTable.builder("aws_sqs_queues")
            .required("arn", STRING)
            .required("url", STRING)
            .required("name", STRING)
            .column("fifo", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("last_modified_at", TIMESTAMP)
            .column("visibility_timeout_seconds", LONG)
            .column("message_retention_seconds", LONG)
            .column("delay_seconds", LONG)
            .column("maximum_message_size", LONG)
            .column("receive_wait_time_seconds", LONG)
            .column("approximate_messages", LONG)
            .column("kms_master_key_id", STRING)
            .column("sqs_managed_sse", BOOLEAN)
            .column("redrive_policy", JSON)
            .column("policy", JSON)
            .column("attributes", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("sqs:ListQueues", "sqs:GetQueueAttributes", "sqs:ListQueueTags")
            .scanner(SqsTables::queues);

    private static void queues(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        SqsClient sqs = slice.sqs();
        rows.each(sqs.listQueuesPaginator(b -> b.maxResults(1000)).queueUrls(), url -> {
            Map<String, String> attributes;
            Map<String, String> tags;
            try {
                attributes = new TreeMap<>(sqs.getQueueAttributes(b -> b.queueUrl(url)
                        .attributeNames(QueueAttributeName.ALL)).attributesAsStrings());
                tags = new TreeMap<>(sqs.listQueueTags(b -> b.queueUrl(url)).tags());
            } catch (QueueDoesNotExistException deleted) {
                return; // deleted since ListQueues
            }
            String arn = attributes.get("QueueArn");
            if (arn == null) {
                throw new AwsTable.UnmappableRowException("SQS GetQueueAttributes for " + url + " returned no QueueArn");
            }
            ObjectNode all = JsonNodeFactory.instance.objectNode();
            attributes.forEach(all::put);
            ObjectNode tagJson = JsonNodeFactory.instance.objectNode();
            tags.forEach(tagJson::put);
            rows.set("arn", arn)
                    .set("url", url)
                    .set("name", arn.substring(arn.lastIndexOf(':') + 1))
                    .set("fifo", Boolean.parseBoolean(attributes.getOrDefault("FifoQueue", "false")))
                    .set("created_at", epoch(attributes.get("CreatedTimestamp")))
                    .set("last_modified_at", epoch(attributes.get("LastModifiedTimestamp")))
                    .set("visibility_timeout_seconds", Values.number(attributes.get("VisibilityTimeout")))
                    .set("message_retention_seconds", Values.number(attributes.get("MessageRetentionPeriod")))
                    .set("delay_seconds", Values.number(attributes.get("DelaySeconds")))
                    .set("maximum_message_size", Values.number(attributes.get("MaximumMessageSize")))
                    .set("receive_wait_time_seconds", Values.number(attributes.get("ReceiveMessageWaitTimeSeconds")))
                    .set("approximate_messages", Values.number(attributes.get("ApproximateNumberOfMessages")))
                    .set("kms_master_key_id", attributes.get("KmsMasterKeyId"))
                    .set("sqs_managed_sse", attributes.containsKey("SqsManagedSseEnabled")
                            ? Boolean.parseBoolean(attributes.get("SqsManagedSseEnabled")) : null)
                    .set("redrive_policy", Values.policy(attributes.get("RedrivePolicy"), false))
                    .set("policy", Values.policy(attributes.get("Policy"), false))
                    .set("attributes", all.toString())
                    .set("tags", tagJson.toString())
                    .emit();
        });
    }

    /** Epoch seconds; SQS documents whole ones, but a fraction (moto answers one) is kept to the microsecond. */
    private static Instant epoch(String seconds) {
        return Values.epochSeconds(JsonNodeFactory.instance.textNode(seconds));
    }
}
