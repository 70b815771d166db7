package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** KMS keys and aliases (JSON 1.1). */
final class KmsTables {
    private KmsTables() {
    }

    static final AwsTable KEYS = AwsTable.builder("aws_kms_keys")
            .required("arn", STRING)
            .required("key_id", STRING)
            .column("description", STRING)
            .column("enabled", BOOLEAN)
            .column("key_state", STRING)
            .column("key_usage", STRING)
            .column("key_spec", STRING)
            .column("key_manager", STRING)
            .column("origin", STRING)
            .column("multi_region", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("deletion_date", TIMESTAMP)
            .column("rotation_enabled", BOOLEAN)
            .column("policy", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy",
                    "kms:ListResourceTags")
            .scanner(KmsTables::kmsKeys);

    private static void kmsKeys(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.json(api, AwsService.KMS, "ListKeys", AwsApi.body().put("Limit", 1000), "NextMarker", "Marker",
                page -> {
                    rows.each(page.path("Keys"), key -> {
                        String id = Values.text(key, "KeyId");
                        JsonNode m;
                        try {
                            m = api.json(AwsService.KMS, "DescribeKey", AwsApi.body().put("KeyId", id))
                                    .path("KeyMetadata");
                        } catch (AwsApiException e) {
                            if ("NotFoundException".equals(e.errorCode())) {
                                return; // deleted since ListKeys
                            }
                            throw e;
                        }
                        boolean customer = "CUSTOMER".equals(Values.text(m, "KeyManager"));
                        Boolean rotation = null;
                        String state = Values.text(m, "KeyState");
                        // Rotation applies to symmetric keys only: for others (and keys pending deletion or
                        // import) KMS answers UnsupportedOperation / KMSInvalidState: the column is then NULL.
                        if ("SYMMETRIC_DEFAULT".equals(Values.text(m, "KeySpec")) && "Enabled".equals(state)) {
                            try {
                                rotation = Values.bool(api.json(AwsService.KMS, "GetKeyRotationStatus",
                                        AwsApi.body().put("KeyId", id)), "KeyRotationEnabled");
                            } catch (AwsApiException e) {
                                if (!"UnsupportedOperationException".equals(e.errorCode())
                                        && !"KMSInvalidStateException".equals(e.errorCode())) {
                                    throw e;
                                }
                            }
                        }
                        // "default" is the only policy name KMS has
                        String policy = Values.policy(Values.text(api.json(AwsService.KMS, "GetKeyPolicy",
                                AwsApi.body().put("KeyId", id).put("PolicyName", "default")), "Policy"), false);
                        ArrayNode tags = JsonNodeFactory.instance.arrayNode();
                        if (customer) { // AWS managed keys have no tags
                            Pages.json(api, AwsService.KMS, "ListResourceTags", AwsApi.body().put("KeyId", id),
                                    "NextMarker", "Marker", tagPage -> tagPage.path("Tags").forEach(tags::add));
                        }
                        rows.set("arn", Values.text(m, "Arn"))
                                .set("key_id", id)
                                .set("description", Values.text(m, "Description"))
                                .set("enabled", Values.bool(m, "Enabled"))
                                .set("key_state", state)
                                .set("key_usage", Values.text(m, "KeyUsage"))
                                .set("key_spec", Values.text(m, "KeySpec"))
                                .set("key_manager", Values.text(m, "KeyManager"))
                                .set("origin", Values.text(m, "Origin"))
                                .set("multi_region", Values.bool(m, "MultiRegion"))
                                .set("created_at", Values.epochSeconds(m.get("CreationDate")))
                                .set("deletion_date", Values.epochSeconds(m.get("DeletionDate")))
                                .set("rotation_enabled", rotation)
                                .set("policy", policy)
                                .set("tags", Values.tags(tags))
                                .emit();
                    });
                });
    }

    static final AwsTable ALIASES = AwsTable.builder("aws_kms_aliases")
            .required("arn", STRING)
            .required("alias_name", STRING)
            .column("target_key_id", STRING)
            .column("created_at", TIMESTAMP)
            .column("last_updated_at", TIMESTAMP)
            .key("arn")
            .permissions("kms:ListAliases")
            .scanner((slice, rows) -> Pages.json(slice.api(), AwsService.KMS, "ListAliases",
                    AwsApi.body().put("Limit", 100), "NextMarker", "Marker",
                    page -> rows.each(page.path("Aliases"), a -> rows
                            .set("arn", Values.text(a, "AliasArn"))
                            .set("alias_name", Values.text(a, "AliasName"))
                            .set("target_key_id", Values.text(a, "TargetKeyId"))
                            .set("created_at", Values.epochSeconds(a.get("CreationDate")))
                            .set("last_updated_at", Values.epochSeconds(a.get("LastUpdatedDate")))
                            .emit())));
}
